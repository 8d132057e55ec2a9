/**
 * The API's request and response shapes, from the zod contract in @ledgerlink/core
 * (packages/core/src/api-contract). Types only: nothing of core or zod reaches the browser bundle.
 */
import type { z } from "zod";
import type * as C from "@ledgerlink/core";

export type RunSummary = C.RunSummaryDto;
export type RunStatus = z.infer<typeof C.runStatusSchema>;
export type RunPage = z.infer<typeof C.runPageSchema>;
export type RunDetail = z.infer<typeof C.runDetailSchema>;
export type StartRunResponse = z.infer<typeof C.startRunResponse>;
export type CancelRunResponse = z.infer<typeof C.cancelRunResponse>;
export type PlanResponse = z.infer<typeof C.planResponse>;
export type PlanStep = z.infer<typeof C.planStepSchema>;
export type FieldChange = z.infer<typeof C.fieldChangeSchema>;

export type ErrorItem = C.ErrorItemDto;
export type ErrorFix = C.ErrorFixDto;
export type ErrorFixAction = C.ErrorFixAction;
export type ErrorsPage = z.infer<typeof C.errorsPageSchema>;
export type ErrorGroup = z.infer<typeof C.errorGroupSchema>;
export type FixChoice = z.infer<typeof C.fixChoiceSchema>;
export type FixParams = z.infer<typeof C.fixParamsSchema>;
export type FixErrorRequest = C.FixErrorRequest;
export type FixResult = C.FixResultDto;
export type BulkFixRequest = z.input<typeof C.bulkFixBody>;
export type BulkFixResponse = z.infer<typeof C.bulkFixResponse>;
export type ErrorCategory = C.ErrorCategory;

export type ReviewItem = C.ReviewItemDto;
export type ReviewPage = z.infer<typeof C.reviewPageSchema>;
export type ResolutionResult = z.infer<typeof C.resolutionResultSchema>;

export type MergeRequest = z.infer<typeof C.mergeBody>;
export type MergeResult = z.infer<typeof C.mergeResultSchema>;
export type Merge = z.infer<typeof C.mergeSchema>;
export type MergePage = z.infer<typeof C.mergePageSchema>;
export type UndoMergeResult = z.infer<typeof C.undoMergeResultSchema>;

export type QueueEntry = C.QueueEntryDto;
export type QueuePage = z.infer<typeof C.queuePageSchema>;
export type QueueState = z.infer<typeof C.queueStateSchema>;
export type QueueAction = z.infer<typeof C.queueActionSchema>;
export type QueueActionResult = z.infer<typeof C.queueActionResultSchema>;
export type QueueBulkResponse = z.infer<typeof C.queueBulkResponse>;

export type SearchHit = z.infer<typeof C.searchHitSchema>;
export type SearchPage = z.infer<typeof C.searchPageSchema>;

export type AuditEntry = z.infer<typeof C.auditEntrySchema>;
export type AuditPage = z.infer<typeof C.auditPageSchema>;

export type RecordDetail = z.infer<typeof C.recordDetailSchema>;
export type RecordSummary = z.infer<typeof C.recordSummarySchema>;
export type RecordPage = z.infer<typeof C.recordPageSchema>;
export type RecordSyncResponse = z.infer<typeof C.recordSyncResponse>;

export type SyncEvent = C.SyncEventDto;
export type SyncEventType = C.SyncEventType;

/** Accounts (`/api/v1/auth/*`): operator-level, outside the per-company contract. */
export type AccountRole = "admin" | "bookkeeper" | "read-only";
export interface UserAccount {
  id: string;
  email: string;
  name: string;
  role: AccountRole;
  /** null: sees every company. */
  companyId: string | null;
  createdAt: string;
  disabledAt: string | null;
  /** An administrator set the password; they choose their own at their next sign-in. */
  mustChangePassword: boolean;
}
export interface ApiKeyInfo {
  id: string;
  /** `llk_` and the first characters: enough to tell keys apart, never to use one. */
  prefix: string;
  name: string;
  role: AccountRole;
  companyId: string | null;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
/** The answer to creating a key: the only time the key itself is sent. */
export type NewApiKey = ApiKeyInfo & { key: string };
export interface AccountEvent {
  id: string;
  at: string;
  actor: string;
  action: string;
  subjectId: string;
  subject: string;
  companyId: string | null;
  detail: Record<string, unknown>;
}
export interface CompanyOption {
  id: string;
  name: string;
}
