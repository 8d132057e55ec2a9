import { z } from "zod";
import { named, pageOf, pageQuery, recordRefSchema } from "./common.js";

export const queueKindSchema = z.enum(["customer", "item", "invoice", "creditMemo", "payment"]);
export const queueStateSchema = named("QueueState", z.enum(["ready", "held", "removed"]));

/** A record waiting for the next sync: never synced, changed since it last was, or deleted in the app. */
export const queueEntrySchema = named(
  "QueueEntry",
  z.object({
    ref: z.string(),
    kind: queueKindSchema,
    id: z.string(),
    name: z.string().nullable(),
    /** Why it is in the queue. */
    reason: z.enum(["new", "changed", "deleted"]),
    state: queueStateSchema,
    hold: z.object({ reason: z.string().nullable(), by: z.string(), at: z.string() }).nullable(),
    updatedAt: z.string(),
    lastSyncedAt: z.string().nullable(),
    qboId: z.string().nullable(),
    openErrors: z.number().int(),
  }),
);
export type QueueEntryDto = z.infer<typeof queueEntrySchema>;

export const listQueueQuery = pageQuery.extend({
  kind: queueKindSchema.optional(),
  state: queueStateSchema.optional(),
  reason: z.enum(["new", "changed", "deleted"]).optional(),
});
export const queuePageSchema = named("QueuePage", pageOf(queueEntrySchema));

export const queueHoldBody = named(
  "QueueHoldRequest",
  z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict(),
);

export const queueActionSchema = named("QueueAction", z.enum(["hold", "release", "remove"]));

export const queueActionResultSchema = named(
  "QueueActionResult",
  z.object({ ref: z.string(), state: queueStateSchema, changed: z.boolean() }),
);

export const queueBulkBody = named(
  "QueueBulkRequest",
  z
    .object({
      action: queueActionSchema,
      refs: z.array(recordRefSchema).min(1).max(1000),
      reason: z.string().trim().min(1).max(500).optional(),
    })
    .strict(),
);
export const queueBulkResponse = named(
  "QueueBulkResponse",
  z.object({
    results: z.array(
      z.union([
        queueActionResultSchema.extend({ ok: z.literal(true) }),
        z.object({
          ref: z.string(),
          ok: z.literal(false),
          error: z.object({ code: z.string(), message: z.string() }),
        }),
      ]),
    ),
  }),
);
