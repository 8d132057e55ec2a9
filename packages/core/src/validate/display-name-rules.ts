import type { Customer } from "../customer.js";
import { fix, type Fix } from "./finding.js";
import { nameKey } from "./name-key.js";
import { qboRules } from "./qbo-rules.js";
import type { QboNameEntry, ValidationContext } from "./validation-context.js";

/**
 * The renames people use when two different customers share a name (seed 000): the middle initial,
 * the parent's name for a job, the street address, a number. Only names that are free are offered.
 */
export function renameSuggestions(
  c: Customer,
  parent: Customer | undefined,
  isTaken: (name: string) => boolean,
  max: number,
): string[] {
  const candidates: string[] = [];
  if (c.givenName && c.middleName && c.familyName)
    candidates.push(`${c.givenName} ${c.middleName.trim().charAt(0)}. ${c.familyName}`);
  if (parent) candidates.push(`${parent.displayName} ${c.displayName}`);
  const street = c.billingAddress?.line1 ?? c.shippingAddress?.line1;
  if (street) candidates.push(`${c.displayName} - ${street}`);
  const out: string[] = [];
  for (const name of candidates) {
    const clean = name.replace(/\s+/g, " ").trim();
    if (clean.length <= max && !isTaken(clean) && !out.includes(clean)) out.push(clean);
  }
  for (let n = 2; n < 1000 && out.length < 3; n++) {
    const numbered = `${c.displayName.replace(/\s+/g, " ").trim()} ${n}`;
    if (numbered.length <= max && !isTaken(numbered)) out.push(numbered);
  }
  return out.slice(0, 3);
}

const noNames: readonly QboNameEntry[] = [];

const describe = (n: QboNameEntry): string => {
  const what =
    n.entity === "Customer" ? "customer" : n.entity === "Vendor" ? "supplier (vendor)" : "employee";
  return `${n.active ? "a" : "an inactive"} ${what} "${n.displayName}" (QuickBooks Id ${n.id})`;
};

/**
 * DisplayName is unique across QBO's customers, vendors and employees, active or not (6240), and
 * the app's own customers must not collide with each other (including a job with its parent or a
 * sibling, since QBO keeps DisplayName unique across the whole hierarchy).
 */
export function checkDisplayNames(ctx: ValidationContext): void {
  const keys = ctx.customers.map((c) => nameKey(c.displayName));
  const appKeys = new Set(keys);
  const isTaken = (name: string): boolean => {
    const k = nameKey(name);
    return appKeys.has(k) || ctx.qboNamesByKey.has(k);
  };
  const max = ctx.policy.displayNameMaxLength;
  const firstByKey = new Map<string, Customer>();

  for (let index = 0; index < ctx.customers.length; index++) {
    const c = ctx.customers[index]!;
    const key = keys[index]!;
    const linked = ctx.customerLinks.get(c.id);
    const sameName = ctx.qboNamesByKey.get(key);
    const inQbo =
      sameName === undefined
        ? noNames
        : sameName.filter((n) => !(n.entity === "Customer" && n.id === linked));
    const first = firstByKey.get(key);
    if (first === undefined) firstByKey.set(key, c);
    if (inQbo.length === 0 && (first === undefined || first === c)) continue;

    const ref = ctx.ref("customer", c.id);
    const parent = c.parentId === undefined ? undefined : ctx.customerById.get(c.parentId);
    const renames = (): Fix[] =>
      renameSuggestions(c, parent, isTaken, max).map((value) =>
        fix("rename", `Rename it "${value}"`, { field: "displayName", value }),
      );

    if (inQbo.length > 0) {
      const sameKind = inQbo.filter((n) => n.entity === "Customer");
      const fixes: Fix[] = [];
      if (linked === undefined)
        for (const n of sameKind)
          fixes.push(
            fix(
              "link",
              `It is the same customer: link it to QuickBooks customer "${n.displayName}"${n.active ? "" : " and reactivate it"}`,
              {
                entity: "Customer",
                qboId: n.id,
              },
            ),
          );
      fixes.push(...renames());
      ctx.add({
        ref,
        category: "duplicate",
        severity: "blocks",
        field: "displayName",
        message: `The name "${c.displayName}" is already used in QuickBooks by ${inQbo.map(describe).join(" and ")}. QuickBooks allows a name only once across customers, suppliers and employees.`,
        rule: qboRules.displayNameInQbo,
        fixes,
      });
      continue;
    }
    if (first !== undefined && first !== c) {
      const firstRef = ctx.ref("customer", first.id);
      const relation =
        c.parentId !== undefined && c.parentId === first.id
          ? `its parent ${firstRef}`
          : first.parentId !== undefined && first.parentId === c.id
            ? `its own job ${firstRef}`
            : c.parentId !== undefined && c.parentId === first.parentId
              ? `its sibling ${firstRef} (another job of the same parent)`
              : firstRef;
      ctx.add({
        ref,
        category: "duplicate",
        severity: "blocks",
        field: "displayName",
        message: `The name "${c.displayName}" is the same as ${relation}. QuickBooks needs every customer and job to have its own name.`,
        rule: qboRules.displayNameInApp,
        fixes: [
          ...renames(),
          fix("merge", `It is the same customer as ${firstRef}: merge them in the app`, {
            survivorId: first.id,
          }),
        ],
      });
    }
  }
}
