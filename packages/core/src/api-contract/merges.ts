import { z } from "zod";
import { named, pageOf, pageQuery } from "./common.js";

const id = z.string().trim().min(1).max(200);

/** Merge local customer `mergedId` into `survivorId` (undoable). */
export const mergeBody = named("MergeRequest", z.object({ survivorId: id, mergedId: id }).strict());

export const mergeResultSchema = named(
  "MergeResult",
  z.object({
    mergeId: z.string(),
    survivorId: z.string(),
    mergedId: z.string(),
    /** Records changed, by reference (`C:1043`, `INV:77`...). */
    changed: z.array(z.string()),
    /** QBO customers left without a link: candidates to mark inactive. */
    qboDuplicates: z.array(z.string()),
  }),
);

export const mergeSchema = named(
  "Merge",
  z.object({
    mergeId: z.string(),
    survivorId: z.string(),
    mergedId: z.string(),
    actor: z.string(),
    mergedAt: z.string(),
    undoneAt: z.string().nullable(),
    undoneBy: z.string().nullable(),
  }),
);

export const listMergesQuery = pageQuery.extend({
  customerId: id.optional(),
  undone: z.enum(["true", "false"]).optional(),
});
export const mergePageSchema = named("MergePage", pageOf(mergeSchema));

export const undoMergeResultSchema = named(
  "UndoMergeResult",
  z.object({ mergeId: z.string(), restored: z.array(z.string()) }),
);
