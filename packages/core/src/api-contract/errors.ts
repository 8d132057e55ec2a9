import { z } from "zod";
import { errorCategorySchema, named, pageQuery, recordKindSchema, recordRefSchema } from "./common.js";
import { findingFixActions, findingSchema, fixParamsSchema } from "./findings.js";
import { companyNoticeSchema, fieldChangeSchema } from "./runs.js";

/** Where an open problem comes from: a pre-flight finding, a QBO fault at run time, or a match to review. */
export const problemSourceSchema = named("ProblemSource", z.enum(["preflight", "qbo", "review"]));

/**
 * The fix actions the Errors view offers. Besides the fixes pre-flight validation proposes: `auto-repair`
 * (apply the safe fix a finding carries), `requeue` (back to the Ready-To-Sync queue to be tried again),
 * `reconnect` (done through the connection endpoints), and the review decisions.
 */
export const errorFixActions = [
  ...findingFixActions,
  "auto-repair",
  "requeue",
  "reconnect",
  "accept-match",
  "reject-match",
  "create-new",
  "mark-qbo-inactive",
] as const;
export const errorFixActionSchema = named("ErrorFixAction", z.enum(errorFixActions));
export type ErrorFixAction = z.infer<typeof errorFixActionSchema>;

/** A choice for a fix that needs one (a rename proposal, a QBO customer to link to). */
export const fixChoiceSchema = named("FixChoice", z.object({ label: z.string(), params: fixParamsSchema }));

/** A button in the Errors view. */
export const errorFixSchema = named(
  "ErrorFix",
  z.object({
    action: errorFixActionSchema,
    label: z.string(),
    /** Parameters already known (from the finding); `requires` lists those a person must supply. */
    params: fixParamsSchema,
    requires: z.array(z.string()),
    /** Needs no human judgement (trimming spaces, a unique shortened number). */
    safe: z.boolean(),
    /** `POST errors/:id/fix` can carry it out; otherwise `href` says where (reconnect) or it is done in QBO. */
    executable: z.boolean(),
    href: z.string().optional(),
    /** Filled on `GET errors/:id` and on previews: proposals to pick from. */
    choices: z.array(fixChoiceSchema).optional(),
  }),
);
export type ErrorFixDto = z.infer<typeof errorFixSchema>;

/** One open problem, as office staff see it. */
export const errorItemSchema = named(
  "ErrorItem",
  z.object({
    id: z.string(),
    source: problemSourceSchema,
    category: errorCategorySchema,
    categoryTitle: z.string(),
    severity: z.enum(["blocks", "warns"]),
    ref: z.string(),
    kind: recordKindSchema.nullable(),
    /** What people call the record (display name, item name, document number). */
    recordName: z.string().nullable(),
    /** What is wrong, in one line. */
    message: z.string(),
    /** Why it matters and what to do, written for office staff. */
    explanation: z.string(),
    field: z.string().nullable(),
    rule: z.string().nullable(),
    /** QBO's own code, message and detail for a run-time fault. */
    qbo: z
      .object({
        code: z.string().nullable(),
        message: z.string(),
        detail: z.string().nullable(),
        element: z.string().nullable(),
      })
      .nullable(),
    /** For a match waiting for review: the QBO customer, the score and the reasons. */
    review: z
      .object({
        itemId: z.string(),
        qboId: z.string(),
        qboName: z.string().nullable(),
        score: z.number(),
        reasons: z.array(z.string()),
      })
      .nullable(),
    fixes: z.array(errorFixSchema),
    runId: z.string().nullable(),
    createdAt: z.string(),
  }),
);
export type ErrorItemDto = z.infer<typeof errorItemSchema>;

export const errorGroupSchema = named(
  "ErrorGroup",
  z.object({ category: errorCategorySchema, title: z.string(), count: z.number().int() }),
);

export const listErrorsQuery = pageQuery.extend({
  category: errorCategorySchema.optional(),
  source: problemSourceSchema.optional(),
  ref: recordRefSchema.optional(),
  kind: recordKindSchema.optional(),
});

/** Open problems, grouped: every category's count (after the filters), then a page in category order. */
export const errorsPageSchema = named(
  "ErrorsPage",
  z.object({
    groups: z.array(errorGroupSchema),
    total: z.number().int(),
    items: z.array(errorItemSchema),
    nextCursor: z.string().nullable(),
    /** Shown above the problems: the last sync could not reach QuickBooks (null otherwise). */
    notice: companyNoticeSchema.nullable(),
  }),
);

export const fixErrorBody = named(
  "FixErrorRequest",
  z
    .object({
      action: errorFixActionSchema,
      params: fixParamsSchema.default({}),
      /** Say what would change, change nothing. */
      preview: z.boolean().default(false),
    })
    .strict(),
);
export type FixErrorRequest = z.input<typeof fixErrorBody>;

export const fixResultSchema = named(
  "FixResult",
  z.object({
    errorId: z.string(),
    ref: z.string(),
    action: errorFixActionSchema,
    /** False for a preview. */
    applied: z.boolean(),
    /** What changed (or would change) in the record or its link. */
    changes: z.array(fieldChangeSchema),
    /** For a preview of a fix that needs a choice (rename proposals, QBO customers to link to). */
    choices: z.array(fixChoiceSchema),
    /** The record validated again after the fix: clean means it is queued for the next sync. */
    revalidated: z.object({ clean: z.boolean(), findings: z.array(findingSchema) }).nullable(),
    queued: z.boolean(),
    /** Problems this fix closed. */
    resolved: z.array(z.string()),
    message: z.string(),
  }),
);
export type FixResultDto = z.infer<typeof fixResultSchema>;

export const bulkFixBody = named(
  "BulkFixRequest",
  z
    .object({
      fixes: z
        .array(
          z
            .object({
              errorId: z.string().min(1),
              action: errorFixActionSchema,
              params: fixParamsSchema.default({}),
            })
            .strict(),
        )
        .min(1)
        .max(500),
    })
    .strict(),
);

export const bulkFixResponse = named(
  "BulkFixResponse",
  z.object({
    results: z.array(
      z.union([
        z.object({ errorId: z.string(), ok: z.literal(true), result: fixResultSchema }),
        z.object({
          errorId: z.string(),
          ok: z.literal(false),
          error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
        }),
      ]),
    ),
    applied: z.number().int(),
    failed: z.number().int(),
  }),
);
