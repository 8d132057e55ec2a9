import { z } from "zod";
import { named, pageOf, pageQuery } from "./common.js";

export const recordCollectionKindSchema = z.enum(["customer", "item", "invoice", "creditMemo", "payment"]);

/** One of the app's records as stored, with its QBO link and what stands in its way. */
export const recordDetailSchema = named(
  "RecordDetail",
  z.object({
    ref: z.string(),
    kind: recordCollectionKindSchema,
    id: z.string(),
    name: z.string().nullable(),
    /** The record as the app sent it (after any fix applied through the Errors view). */
    data: z.record(z.string(), z.unknown()),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
    /** "qbo": brought into the app by a global sync (shown with a QuickBooks badge); null: the app's. */
    origin: z.enum(["qbo"]).nullable(),
    link: z.object({ qboId: z.string(), syncToken: z.string(), lastSyncedAt: z.string() }).nullable(),
    hold: z
      .object({ state: z.enum(["held", "removed"]), reason: z.string().nullable(), by: z.string() })
      .nullable(),
    openErrors: z.number().int(),
  }),
);

export const recordSummarySchema = named(
  "RecordSummary",
  z.object({
    ref: z.string(),
    kind: recordCollectionKindSchema,
    id: z.string(),
    name: z.string().nullable(),
    parentId: z.string().nullable(),
    active: z.boolean(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
    qboId: z.string().nullable(),
    /** "qbo": brought into the app by a global sync (shown with a QuickBooks badge); null: the app's. */
    origin: z.enum(["qbo"]).nullable(),
  }),
);

export const listRecordsQuery = pageQuery.extend({
  kind: recordCollectionKindSchema.optional(),
  linked: z.enum(["true", "false"]).optional(),
  deleted: z.enum(["true", "false"]).optional(),
  parentId: z.string().min(1).max(200).optional(),
  /** "qbo": only records a global sync brought in from QuickBooks; "app": only the app's own. */
  origin: z.enum(["qbo", "app"]).optional(),
});
export const recordPageSchema = named("RecordPage", pageOf(recordSummarySchema));

/** The answer to a bulk upsert: each record accepted, or rejected with its reference and field. */
export const upsertRecordsResponse = named(
  "UpsertRecordsResponse",
  z.object({
    accepted: z.array(z.object({ index: z.number().int(), id: z.string(), status: z.string() })),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        id: z.string().optional(),
        ref: z.string().optional(),
        field: z.string(),
        message: z.string(),
        issues: z.array(z.object({ field: z.string(), message: z.string() }).passthrough()),
      }),
    ),
  }),
);
