import type { RecordRef } from "../record-ref.js";
import {
  collapseSpaces,
  describeRefusedCharacters,
  hasRefusedCharacters,
  hasSpaceProblems,
  replaceRefusedCharacters,
} from "../repair/clean-text.js";
import { fix } from "./finding.js";
import { qboLimits, qboRules } from "./qbo-rules.js";
import type { ValidationContext } from "./validation-context.js";

interface NameField {
  field: string;
  label: string;
  max: number;
  /** The name QBO keeps unique (DisplayName, item Name): a space problem there blocks. */
  identifying: boolean;
}

const customerNameFields = (displayNameMax: number): NameField[] => [
  { field: "displayName", label: "display name", max: displayNameMax, identifying: true },
  { field: "companyName", label: "company name", max: qboLimits.companyName, identifying: false },
  { field: "title", label: "title", max: qboLimits.title, identifying: false },
  { field: "givenName", label: "first name", max: qboLimits.givenName, identifying: false },
  { field: "middleName", label: "middle name", max: qboLimits.middleName, identifying: false },
  { field: "familyName", label: "last name", max: qboLimits.familyName, identifying: false },
  { field: "suffix", label: "suffix", max: qboLimits.suffix, identifying: false },
];

const itemNameField: NameField = {
  field: "name",
  label: "item name",
  max: qboLimits.itemName,
  identifying: true,
};

/** Length as QBO counts it: characters, not UTF-16 units (only computed when it could matter). */
export const charLength = (text: string): number => (text.length <= 1 ? text.length : [...text].length);

function checkName(ctx: ValidationContext, ref: RecordRef, spec: NameField, value: string): void {
  if (hasRefusedCharacters(value)) {
    const cleaned = collapseSpaces(replaceRefusedCharacters(value));
    ctx.add({
      ref,
      category: "invalid-data",
      severity: "blocks",
      field: spec.field,
      message: `The ${spec.label} "${value}" contains ${describeRefusedCharacters(value).join(", ")}, which QuickBooks does not accept in names.`,
      rule: qboRules.refusedCharacters,
      fixes: [
        fix("replace-characters", `Change it to "${cleaned}"`, { field: spec.field, value: cleaned }, true),
        fix("edit-field", `Edit the ${spec.label} in the app`, { field: spec.field }),
      ],
    });
  } else if (hasSpaceProblems(value)) {
    const cleaned = collapseSpaces(value);
    ctx.add({
      ref,
      category: "invalid-data",
      severity: spec.identifying ? "blocks" : "warns",
      field: spec.field,
      message: `The ${spec.label} "${value}" has extra spaces at the start, at the end or between words; QuickBooks would store "${cleaned}" and the names would no longer match.`,
      rule: qboRules.spaces,
      fixes: [fix("trim-spaces", `Remove the extra spaces`, { field: spec.field, value: cleaned }, true)],
    });
  }
  if (value.length > spec.max && charLength(value) > spec.max) {
    ctx.add({
      ref,
      category: "invalid-data",
      severity: "blocks",
      field: spec.field,
      message: `The ${spec.label} is ${charLength(value)} characters long; QuickBooks allows at most ${spec.max}.`,
      rule: qboRules.length,
      fixes: [
        fix(
          spec.identifying ? "rename" : "edit-field",
          `Shorten the ${spec.label} to ${spec.max} characters or fewer`,
          {
            field: spec.field,
            max: spec.max,
          },
        ),
      ],
    });
  }
}

/** Characters QBO refuses, stray spaces and length limits in customer and item names. */
export function checkNames(ctx: ValidationContext): void {
  const fields = customerNameFields(ctx.policy.displayNameMaxLength);
  for (const c of ctx.customers) {
    const ref = ctx.ref("customer", c.id);
    for (const spec of fields) {
      const value = (c as unknown as Record<string, unknown>)[spec.field];
      if (typeof value === "string") checkName(ctx, ref, spec, value);
    }
  }
  for (const item of ctx.items) checkName(ctx, ctx.ref("item", item.id), itemNameField, item.name);
}
