import { z } from "zod";
import type { FixAction } from "../validate/finding.js";
import { errorCategorySchema, named } from "./common.js";

/** The fixes pre-flight validation proposes (core's FixAction list). */
export const findingFixActions = [
  "trim-spaces",
  "replace-characters",
  "rename",
  "edit-field",
  "link",
  "merge",
  "reactivate",
  "map-item",
  "create-item",
  "map-account",
  "create-account",
  "map-tax-code",
  "shorten-docnumber",
  "renumber",
  "let-qbo-number",
  "allow-duplicate-docnumber",
  "remove-in-qbo",
  "change-date",
  "reopen-period",
  "fix-amount",
  "fix-unit-price",
  "use-credit-memo",
  "use-invoice",
  "reduce-application",
  "sync-first",
  "add-parent",
  "move-under-other-parent",
  "send-anyway",
  "turn-off-other-integration",
  "turn-on-custom-numbers",
  "fix-dependency",
] as const satisfies readonly FixAction[];

// Fails to compile when core gains a fix action this list does not name.
type MissingFixAction = Exclude<FixAction, (typeof findingFixActions)[number]>;
const _everyFixActionListed: MissingFixAction extends never ? true : MissingFixAction = true;
void _everyFixActionListed;

export const fixParamsSchema = named(
  "FixParams",
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
);

export const findingFixSchema = named(
  "FindingFix",
  z.object({
    action: z.enum(findingFixActions),
    label: z.string(),
    params: fixParamsSchema,
    safe: z.boolean(),
  }),
);

export const findingSchema = named(
  "Finding",
  z.object({
    ref: z.string(),
    category: errorCategorySchema,
    severity: z.enum(["blocks", "warns"]),
    message: z.string(),
    rule: z.object({ id: z.string(), text: z.string(), source: z.string() }),
    field: z.string().optional(),
    fixes: z.array(findingFixSchema),
  }),
);
