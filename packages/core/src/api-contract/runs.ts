import { z } from "zod";
import { failureSchema, named, pageOf, pageQuery, recordRefSchema } from "./common.js";
import { findingSchema } from "./findings.js";

export const runStatusSchema = named(
  "RunStatus",
  z.enum(["running", "succeeded", "partial", "failed", "cancelled", "interrupted", "needs-reconnect"]),
);
export const runTriggerSchema = named(
  "RunTrigger",
  z.enum(["manual", "schedule", "record", "change", "api", "cli"]),
);
export const outcomeSchema = named(
  "Outcome",
  z.enum([
    "created",
    "linked",
    "updated",
    "reactivated",
    "inactivated",
    "deleted",
    "skipped",
    "held",
    "blocked",
    "failed",
    "pending",
  ]),
);
export const stepActionSchema = named(
  "StepAction",
  z.enum(["create", "link", "update", "reactivate", "inactivate", "delete", "skip", "held", "blocked"]),
);
export const syncEntitySchema = named(
  "SyncEntity",
  z.enum(["Item", "Customer", "Invoice", "CreditMemo", "Payment", "Account"]),
);

const outcomeCounts = z.object(
  Object.fromEntries(outcomeSchema.options.map((o) => [o, z.number().int()])) as Record<
    z.infer<typeof outcomeSchema>,
    z.ZodNumber
  >,
);
export const outcomeCountsSchema = named("OutcomeCounts", outcomeCounts);

/**
 * QuickBooks could not be reached in a run: while reading its changes (`pull`: nothing was sent) or
 * while sending (`send`); what it did (`status`: answered `status`, `timeout`: no answer within
 * `timeoutMs`, `refused`/`network`: the connection, `throttled`: 429 past the retries) and after how
 * many tries per call.
 */
export const qboUnreachableSchema = named(
  "QboUnreachable",
  z.object({
    during: z.enum(["pull", "send"]),
    kind: z.enum(["status", "timeout", "refused", "network", "throttled"]),
    attempts: z.number().int(),
    status: z.number().int().nullable(),
    timeoutMs: z.number().nullable(),
  }),
);
export type QboUnreachableDto = z.infer<typeof qboUnreachableSchema>;

/**
 * Something about the company as a whole that office staff must see before the per-record problems:
 * the last sync could not reach QuickBooks (its records are not failed: they are sent on the next sync).
 * Gone once a later run finishes without that.
 */
export const companyNoticeSchema = named(
  "CompanyNotice",
  z.object({
    kind: z.literal("qbo-unreachable"),
    title: z.string(),
    /** The run's note: what failed, after how many tries, what happens next. */
    message: z.string(),
    runId: z.string(),
    /** When that run finished. */
    at: z.string(),
    /** The action that clears it once QuickBooks answers again: start a sync (POST …/runs). */
    action: z.literal("sync-again"),
    detail: qboUnreachableSchema,
  }),
);
export type CompanyNoticeDto = z.infer<typeof companyNoticeSchema>;

/** A sync run: status, counts per outcome and per QBO entity, calls made. */
export const runSummarySchema = named(
  "RunSummary",
  z.object({
    id: z.string(),
    companyId: z.string(),
    trigger: runTriggerSchema,
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    status: runStatusSchema,
    counts: outcomeCountsSchema,
    /** Per QBO entity (Customer, Invoice...), the outcomes that occurred. */
    byEntity: z.record(z.string(), z.record(z.string(), z.number().int())),
    operations: z.number().int(),
    calls: z.number().int(),
    throttleWaitMs: z.number(),
    /** Why it stopped early (cancelled, needs reconnect, QuickBooks unreachable), in plain words. */
    note: z.string().nullable(),
    durationMs: z.number().nullable(),
    /** Set when QuickBooks could not be reached (see QboUnreachable); the note says it in words. */
    qboUnreachable: qboUnreachableSchema.nullable(),
  }),
);
export type RunSummaryDto = z.infer<typeof runSummarySchema>;

export const listRunsQuery = pageQuery.extend({
  status: runStatusSchema.optional(),
  trigger: runTriggerSchema.optional(),
});
export const runPageSchema = named("RunPage", pageOf(runSummarySchema));

/** One run with its operations tallied by state. */
export const runDetailSchema = named(
  "RunDetail",
  runSummarySchema.extend({
    opsByState: z.record(z.string(), z.number().int()),
    /** True while a runner (here or in another process) holds the run. */
    active: z.boolean(),
  }),
);

export const opStateSchema = named(
  "OpState",
  z.enum(["planned", "sent", "confirmed", "failed", "abandoned"]),
);

/** One write of a run, from the outbox. */
export const runOpSchema = named(
  "RunOp",
  z.object({
    id: z.string(),
    seq: z.number().int(),
    ref: z.string(),
    entity: syncEntitySchema,
    action: stepActionSchema,
    state: opStateSchema,
    qboId: z.string().nullable(),
    requestId: z.string(),
    needs: z.array(z.string()),
    error: failureSchema.nullable(),
  }),
);
export const listRunOpsQuery = pageQuery.extend({
  state: opStateSchema.optional(),
  ref: recordRefSchema.optional(),
});
export const runOpPageSchema = named("RunOpPage", pageOf(runOpSchema));

/** `POST runs` (Sync Now): an optional list of records to sync alone. */
export const startRunBody = named(
  "StartRunRequest",
  z
    .object({
      /** Sync only these records (and what they need that is not in QBO yet). */
      only: z.array(recordRefSchema).min(1).max(1000).optional(),
    })
    .strict(),
);
export const startRunResponse = named(
  "StartRunResponse",
  z.object({
    runId: z.string(),
    status: runStatusSchema,
    /** Follow its progress here (Server-Sent Events). */
    events: z.string(),
    run: z.string(),
  }),
);

export const fieldChangeSchema = named(
  "FieldChange",
  z.object({ field: z.string(), before: z.unknown().optional(), after: z.unknown().optional() }),
);

/** One step of a plan: what the sync will do with one record, and why. */
export const planStepSchema = named(
  "PlanStep",
  z.object({
    seq: z.number().int(),
    ref: z.string(),
    kind: z.string(),
    entity: syncEntitySchema,
    action: stepActionSchema,
    reason: z.string(),
    name: z.string().nullable(),
    qboId: z.string().nullable(),
    needs: z.array(z.string()),
    changes: z.array(fieldChangeSchema),
    findings: z.array(findingSchema),
    match: z.object({ score: z.number(), reasons: z.array(z.string()) }).nullable(),
  }),
);

export const repairSchema = named(
  "Repair",
  z.object({
    ref: z.string(),
    action: z.string(),
    rule: z.string(),
    summary: z.string(),
    field: z.string().optional(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  }),
);

export const planRunBody = named(
  "PlanRunRequest",
  z.object({ only: z.array(recordRefSchema).min(1).max(1000).optional() }).strict(),
);
export const planRunQuery = pageQuery.extend({
  action: stepActionSchema.optional(),
  kind: z.enum(["customer", "item", "invoice", "creditMemo", "payment", "account"]).optional(),
});

/** The dry run: counts for the whole plan, and a page of its steps (filtered by action or kind). */
export const planResponse = named(
  "PlanResponse",
  z.object({
    counts: z.record(stepActionSchema, z.number().int()),
    totalSteps: z.number().int(),
    findings: z.number().int(),
    reviews: z.number().int(),
    repairs: z.array(repairSchema),
    items: z.array(planStepSchema),
    nextCursor: z.string().nullable(),
  }),
);

export const cancelRunResponse = named(
  "CancelRunResponse",
  z.object({ runId: z.string(), cancelRequested: z.boolean(), status: runStatusSchema }),
);

/** `POST records/:ref/sync`: the run it made and what happened to the record. */
export const recordSyncResponse = named(
  "RecordSyncResponse",
  z.object({
    ref: z.string(),
    run: runSummarySchema,
    outcome: z
      .object({
        action: stepActionSchema,
        outcome: outcomeSchema,
        qboId: z.string().nullable(),
        failure: failureSchema.nullable(),
      })
      .nullable(),
    step: planStepSchema.nullable(),
  }),
);
