import type { ClassifiedFailure } from "../ports.js";
import type { RecordRef } from "../record-ref.js";
import type { Repair } from "../repair/apply-repairs.js";
import type { Finding } from "../validate/finding.js";
import type { QboOutage, QboUnreachable } from "./qbo-outage.js";
import type { QboSideAction } from "./qbo-side-changes.js";
import type { QboPayload } from "./record-to-qbo.js";
import type { PlanStep, RecordLink, StepAction, SyncEntity, SyncPlan, SyncPlanInput } from "./sync-plan.js";

/** One write to QBO as the engine asks for it; `key` names the operation and its generation. */
export interface QboWriteOp {
  key: string;
  entity: SyncEntity;
  operation: "create" | "update" | "delete";
  payload: QboPayload;
}

export type QboWriteResult =
  | { key: string; ok: true; object: Record<string, unknown> }
  | {
      key: string;
      ok: false;
      failure: ClassifiedFailure;
      /**
       * The request may or may not have been carried out (network failure, timeout, 5xx): the
       * operation stays "sent" and is sent again, identically, so QBO's requestid cache answers it.
       */
      outcomeUnknown: boolean;
      /** QBO refused the grant: nothing more can be sent until someone reconnects. */
      needsReconnect?: boolean;
      /** QBO did not answer the call at all (5xx, timeout, connection refused) after the client's tries. */
      outage?: QboOutage;
    };

/** The part of QBO the engine writes through (implemented over `@ledgerlink/qbo`'s client). */
export interface QboWritePort {
  /**
   * One batch call of at most 30 independent operations. Its requestid must be derived from the ops'
   * keys, so sending the same ops again replays QBO's answer instead of writing twice.
   */
  batch(ops: readonly QboWriteOp[]): Promise<QboWriteResult[]>;
  /** One operation as a plain request whose requestid is the op's key. */
  write(op: QboWriteOp): Promise<QboWriteResult>;
  /** The current object, or undefined when QBO no longer has it. */
  read(entity: SyncEntity, id: string): Promise<Record<string, unknown> | undefined>;
}

/** The outbox: every write of a run is a row that moves planned → sent → confirmed | failed. */
export type OpState = "planned" | "sent" | "confirmed" | "failed" | "abandoned";

export interface OutboxOp {
  id: string;
  runId: string;
  seq: number;
  ref: RecordRef;
  entity: SyncEntity;
  action: StepAction;
  state: OpState;
  /** The op's identity towards QBO: a plain request's requestid, or its key inside a batch call. */
  requestId: string;
  /** The batch call it went out in ("single:<requestId>" for a plain request); set when sent. */
  batchKey?: string;
  /** The planned payload (placeholders), replaced by the exact body sent once it is sent. */
  payload?: QboPayload;
  fingerprint?: string;
  qboId?: string;
  syncToken?: string;
  needs: RecordRef[];
  error?: ClassifiedFailure;
}

export type RunStatus =
  "running" | "succeeded" | "partial" | "failed" | "cancelled" | "interrupted" | "needs-reconnect";

export type RunTrigger = "manual" | "schedule" | "record" | "change" | "api" | "cli";

/** Outcomes counted per run and per entity. */
export type Outcome =
  | "created"
  | "linked"
  | "updated"
  | "reactivated"
  | "inactivated"
  | "deleted"
  | "skipped"
  | "held"
  | "blocked"
  | "failed"
  | "pending";

export interface SyncRunSummary {
  id: string;
  companyId: string;
  trigger: RunTrigger;
  startedAt: string;
  finishedAt?: string;
  status: RunStatus;
  counts: Record<Outcome, number>;
  byEntity: Partial<Record<SyncEntity, Partial<Record<Outcome, number>>>>;
  /** Operations and QBO calls made. */
  operations: number;
  calls: number;
  /** Time calls spent waiting for a throttle slot, summed (ms). */
  throttleWaitMs: number;
  /** Why it stopped early (needs reconnect, cancelled, QuickBooks unreachable), in plain words. */
  note?: string;
  /** Set when QuickBooks could not be reached (the pull failed, or calls went unanswered). */
  qboUnreachable?: QboUnreachable;
}

export type SyncEvent =
  | { type: "run-started"; runId: string; companyId: string; total: number; counts: SyncPlan["counts"] }
  | { type: "step-done"; runId: string; ref: RecordRef; action: StepAction; outcome: Outcome; qboId?: string }
  | { type: "step-failed"; runId: string; ref: RecordRef; action: StepAction; failure: ClassifiedFailure }
  | { type: "progress"; runId: string; done: number; total: number }
  | { type: "recovered"; runId: string; confirmed: number; failed: number; pending: number }
  | { type: "run-finished"; run: SyncRunSummary }
  /** Something changed in QBO that matters to the app (a merge, a payment recorded there). */
  | { type: "qbo-change"; companyId: string; action: QboSideAction };

/** What the engine reads to plan: everything but matching and validation policy, gathered by the store. */
export type SyncInputs = Omit<SyncPlanInput, "only" | "validationPolicy" | "matchPolicy">;

/**
 * What the runner reads and writes for one company (implemented by `@ledgerlink/store`). Scoped to
 * the company, so no call can reach another tenant's rows.
 */
export interface SyncEngineStore {
  readonly companyId: string;
  /** The app's records, links, decisions and holds, plus the QBO mirror the pull keeps. */
  loadInputs(): Promise<SyncInputs>;

  /** One runner per company: a lease that expires if its holder dies. */
  acquireLease(holder: string, ttlMs: number, now: Date): Promise<boolean>;
  renewLease(holder: string, ttlMs: number, now: Date): Promise<boolean>;
  releaseLease(holder: string): Promise<void>;

  startRun(run: SyncRunSummary): Promise<void>;
  /** Progress as the run goes; the final one with `finishedAt`. */
  saveRun(run: SyncRunSummary): Promise<void>;
  /** Runs that were running when their runner died (no lease held). */
  listUnfinishedRuns(): Promise<SyncRunSummary[]>;
  cancelRequested(runId: string): Promise<boolean>;

  insertOps(ops: readonly OutboxOp[]): Promise<void>;
  /** Marks ops sent with the exact body and the call they go out in, before the call is made. */
  markSent(ops: readonly { id: string; batchKey: string; payload: QboPayload }[], at: string): Promise<void>;
  /**
   * A call's answer in one transaction, so a runner killed meanwhile leaves all of its ops "sent" (and
   * they are re-sent as the very same batch) or none: each confirmed op's link saved (or removed: `link`
   * null on a delete) and its record's open run-time errors resolved; each failed op's error recorded
   * against its record.
   */
  settleOps(
    answer: {
      confirmed: readonly { op: OutboxOp; link: RecordLink | null }[];
      failed: readonly { op: OutboxOp; failure: ClassifiedFailure }[];
    },
    at: string,
  ): Promise<void>;
  /**
   * Keeps the QBO mirror current with what QBO answered to our own writes, so the next pull tells
   * our changes from other people's (a merge or deletion of a record we created is noticed as such).
   */
  rememberQboObjects?(
    objects: readonly { entity: SyncEntity; object: Record<string, unknown> }[],
  ): Promise<void>;
  /** Ops not finished: "sent" ones (outcome unknown) and "planned" ones of runs no longer running. */
  unfinishedOps(): Promise<OutboxOp[]>;
  abandonOps(ids: readonly string[], at: string): Promise<void>;
  /** The body last confirmed for a record: the base of the three-way check after a 5010. */
  lastSentPayload(ref: RecordRef): Promise<QboPayload | undefined>;

  /** Replaces the open pre-flight findings with this run's (records now clean are resolved). */
  replaceFindings(runId: string, findings: readonly Finding[], at: string): Promise<void>;
  /** Opens review items for pairs in the review band (a rejected pair is never reopened). */
  saveReviewSuggestions?(runId: string, reviews: SyncPlan["reviews"], at: string): Promise<void>;
  audit(entry: {
    ref: RecordRef;
    action: string;
    actor: string;
    detail: Record<string, unknown>;
  }): Promise<void>;
}

export type { PlanStep, Repair };
