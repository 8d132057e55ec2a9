import { z } from "zod";
import { named, pageOf, pageQuery } from "./common.js";

/** One change Ledgerlink (or a person through it) made: who, what, which record, when, before and after. */
export const auditEntrySchema = named(
  "AuditEntry",
  z.object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    ref: z.string(),
    action: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    detail: z.unknown(),
  }),
);

export const listAuditQuery = pageQuery.extend({
  ref: z.string().trim().min(1).max(200).optional(),
  actor: z.string().trim().min(1).max(200).optional(),
  /** An action (`customer.renamed`) or a prefix ending in `*` (`match.*`). */
  action: z.string().trim().min(1).max(200).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});
export const auditPageSchema = named("AuditPage", pageOf(auditEntrySchema));
