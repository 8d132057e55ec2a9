import { z } from "zod";

/**
 * The post-sync report as the API answers it (`…/reports/runs/:runId.json`, `…/reports?from=&to=`).
 * zod, so the OpenAPI document can be built from the same values the tests check responses against.
 */

export const reportCountsSchema = z.object({
  linked: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  reactivated: z.number().int(),
  inactivated: z.number().int(),
  deleted: z.number().int(),
  skipped: z.number().int(),
  held: z.number().int(),
  blocked: z.number().int(),
  failed: z.number().int(),
});
export type ReportCounts = z.infer<typeof reportCountsSchema>;

export const reportRunSchema = z.object({
  id: z.string(),
  trigger: z.string(),
  status: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  note: z.string().optional(),
  counts: reportCountsSchema,
});
export type ReportRun = z.infer<typeof reportRunSchema>;

export const reportErrorSchema = z.object({
  ref: z.string(),
  name: z.string().nullable(),
  /** "preflight": found before sending, nothing was sent; "qbo": QuickBooks refused it. */
  source: z.string(),
  category: z.string(),
  /** QuickBooks' own error code (6240, 610…), for run-time errors. */
  code: z.string().nullable(),
  message: z.string(),
  detail: z.string().nullable(),
  field: z.string().nullable(),
  runId: z.string(),
  since: z.string(),
});
export type ReportErrorLine = z.infer<typeof reportErrorSchema>;

export const reportErrorGroupSchema = z.object({
  category: z.string(),
  /** The category's heading for office staff ("Duplicates", "Closed books"…). */
  title: z.string(),
  count: z.number().int(),
});

export const reportReviewItemSchema = z.object({
  ref: z.string(),
  name: z.string().nullable(),
  qboId: z.string(),
  qboName: z.string().nullable(),
  score: z.number(),
  reasons: z.array(z.string()),
});

export const unmatchedCustomerSchema = z.object({
  ref: z.string(),
  name: z.string(),
  companyName: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  parentRef: z.string().optional(),
  /** Why it is not linked to a QuickBooks customer, in plain words. */
  why: z.string(),
  /** Whether the unmatched-customers export (QBO's import layout) carries it, and if not, why not. */
  export: z.union([
    z.object({ included: z.literal(true) }),
    z.object({ included: z.literal(false), reason: z.string() }),
  ]),
});
export type UnmatchedCustomer = z.infer<typeof unmatchedCustomerSchema>;

export const duplicateMemberSchema = z.object({
  /** `C:1042` on the app side, the QuickBooks Id on the QBO side. */
  id: z.string(),
  name: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
  /** QBO side: the app customer linked to it; app side: the QuickBooks customer it is linked to. */
  linkedTo: z.string().optional(),
});

export const duplicateGroupSchema = z.object({
  /** The weakest resemblance inside the group (0–1). */
  score: z.number(),
  reasons: z.array(z.string()),
  members: z.array(duplicateMemberSchema),
});
export type DuplicateGroup = z.infer<typeof duplicateGroupSchema>;

export const reportRepairSchema = z.object({
  at: z.string(),
  ref: z.string(),
  /** The fix applied: `trim-spaces`, `shorten-docnumber`, `reactivate`… */
  action: z.string(),
  summary: z.string(),
  field: z.string().optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type ReportRepairLine = z.infer<typeof reportRepairSchema>;

export const syncReportSchema = z.object({
  company: z.object({ id: z.string(), name: z.string() }),
  scope: z.union([
    z.object({ kind: z.literal("run"), runId: z.string() }),
    /** `to` is exclusive. */
    z.object({ kind: z.literal("period"), from: z.string(), to: z.string() }),
  ]),
  generatedAt: z.string(),
  /** The moment the open problems are as of: the run's end, or the period's. */
  asOf: z.string(),
  runs: z.array(reportRunSchema),
  counts: reportCountsSchema,
  errors: z.object({
    total: z.number().int(),
    byCategory: z.array(reportErrorGroupSchema),
    items: z.array(reportErrorSchema),
  }),
  review: z.object({ total: z.number().int(), items: z.array(reportReviewItemSchema) }),
  /** App customers with no link to a QuickBooks customer, as of `generatedAt`. */
  unmatched: z.object({
    total: z.number().int(),
    exportable: z.number().int(),
    customers: z.array(unmatchedCustomerSchema),
  }),
  /** Customers that look like the same customer, inside the app and inside QuickBooks, as of `generatedAt`. */
  duplicates: z.object({ app: z.array(duplicateGroupSchema), qbo: z.array(duplicateGroupSchema) }),
  autoRepairs: z.array(reportRepairSchema),
});
export type SyncReport = z.infer<typeof syncReportSchema>;
