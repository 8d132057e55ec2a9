import { z } from "zod";
import { failureSchema, named } from "./common.js";
import { outcomeSchema, runSummarySchema, stepActionSchema } from "./runs.js";

/**
 * What `GET companies/:companyId/events` streams (Server-Sent Events): the sync engine's events, each
 * as an SSE message whose `event:` is the type and whose `data:` is this JSON; `id:` is a sequence
 * number per company, so a reconnecting client (Last-Event-ID) gets what it missed.
 */
export const syncEventSchema = named(
  "SyncEvent",
  z.discriminatedUnion("type", [
    z.object({
      type: z.literal("run-started"),
      runId: z.string(),
      companyId: z.string(),
      total: z.number().int(),
      counts: z.record(stepActionSchema, z.number().int()),
    }),
    z.object({
      type: z.literal("step-done"),
      runId: z.string(),
      ref: z.string(),
      action: stepActionSchema,
      outcome: outcomeSchema,
      qboId: z.string().optional(),
    }),
    z.object({
      type: z.literal("step-failed"),
      runId: z.string(),
      ref: z.string(),
      action: stepActionSchema,
      failure: failureSchema,
    }),
    z.object({
      type: z.literal("progress"),
      runId: z.string(),
      done: z.number().int(),
      total: z.number().int(),
    }),
    z.object({
      type: z.literal("recovered"),
      runId: z.string(),
      confirmed: z.number().int(),
      failed: z.number().int(),
      pending: z.number().int(),
    }),
    z.object({ type: z.literal("run-finished"), run: runSummarySchema }),
    /** Something changed in QBO that matters to the app: a merge followed, a payment recorded there. */
    z.object({
      type: z.literal("qbo-change"),
      companyId: z.string(),
      action: z.discriminatedUnion("type", [
        z.object({
          type: z.literal("repoint-link"),
          ref: z.string(),
          fromQboId: z.string(),
          toQboId: z.string(),
          syncToken: z.string(),
        }),
        z.object({
          type: z.literal("merge-conflict"),
          ref: z.string(),
          otherRef: z.string(),
          fromQboId: z.string(),
          toQboId: z.string(),
        }),
        z.object({
          type: z.literal("invoice-payment"),
          ref: z.string(),
          qboInvoiceId: z.string(),
          qboPaymentId: z.string(),
          amount: z.number().int(),
          balance: z.number().int(),
          paid: z.boolean(),
        }),
        z.object({ type: z.literal("link-lost"), ref: z.string(), qboId: z.string() }),
      ]),
    }),
    /** A background sync that could not start or stopped on an unexpected failure. */
    z.object({
      type: z.literal("run-error"),
      runId: z.string().nullable(),
      code: z.string(),
      message: z.string(),
    }),
  ]),
);
export type SyncEventDto = z.infer<typeof syncEventSchema>;
export type SyncEventType = SyncEventDto["type"];

export const syncEventTypes = [
  "run-started",
  "step-done",
  "step-failed",
  "progress",
  "recovered",
  "run-finished",
  "qbo-change",
  "run-error",
] as const satisfies readonly SyncEventType[];

export const eventsQuery = z.object({
  /** Only these event types (comma-separated), e.g. `progress,run-finished`. */
  types: z
    .string()
    .max(200)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const list = s
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t !== "");
      const bad = list.find((t) => !(syncEventTypes as readonly string[]).includes(t));
      if (bad !== undefined) {
        ctx.addIssue({
          code: "custom",
          message: `unknown event type "${bad}"; use ${syncEventTypes.join(", ")}`,
        });
        return z.NEVER;
      }
      return list as SyncEventType[];
    }),
});
