import type { ErrorCategory } from "../error-category.js";
import type { RecordRef } from "../record-ref.js";
import { fix } from "./finding.js";
import { qboRules } from "./qbo-rules.js";
import type { ValidationContext } from "./validation-context.js";

/**
 * A record that refers to a blocked record not yet in QBO is blocked too: its parent, customer,
 * item or invoice would not exist when it is sent. Runs last, over the other rules' findings.
 */
export function checkDependencies(ctx: ValidationContext): void {
  // Blocked records by reference, and by app id per kind so lookups need no reference strings.
  const categoryOf = new Map<RecordRef, ErrorCategory>();
  const blockedIds = {
    C: new Set<string>(),
    ITEM: new Set<string>(),
    INV: new Set<string>(),
    other: new Set<string>(),
  };
  const mark = (ref: RecordRef, category: ErrorCategory): void => {
    if (categoryOf.has(ref)) return;
    categoryOf.set(ref, category);
    const colon = ref.indexOf(":");
    const prefix = ref.slice(0, colon);
    const set =
      prefix === "C" || prefix === "ITEM" || prefix === "INV" ? blockedIds[prefix] : blockedIds.other;
    set.add(ref.slice(colon + 1));
  };
  for (const f of ctx.findings) if (f.severity === "blocks") mark(f.ref, f.category);

  const block = (ref: RecordRef, dep: RecordRef, what: string): void => {
    const category = categoryOf.get(dep) ?? "other";
    mark(ref, category);
    ctx.add({
      ref,
      category,
      severity: "blocks",
      message: `It waits for ${what} ${dep}, which can't be sent until its own problem is fixed.`,
      rule: qboRules.dependency,
      fixes: [fix("fix-dependency", `Fix ${dep} first`, { ref: dep })],
    });
  };

  // Customers, parents first: a blocked ancestor blocks the whole branch below it.
  const visiting = new Set<string>();
  const customerBlocked = (id: string): boolean => {
    if (blockedIds.C.has(id)) return true;
    const c = ctx.customerById.get(id);
    if (!c || c.parentId === undefined || visiting.has(id)) return false;
    if (ctx.customerLinks.has(c.parentId)) return false;
    visiting.add(id);
    const parentBlocked = customerBlocked(c.parentId);
    visiting.delete(id);
    if (parentBlocked) block(ctx.ref("customer", id), ctx.ref("customer", c.parentId), "its parent");
    return parentBlocked;
  };
  for (const c of ctx.customers) if (c.parentId !== undefined) customerBlocked(c.id);

  const customerWaits = (id: string): boolean => blockedIds.C.has(id) && !ctx.customerLinks.has(id);
  const itemWaits = (id: string): boolean => blockedIds.ITEM.has(id) && !ctx.itemLinks.has(id);
  const invoiceWaits = (id: string): boolean => blockedIds.INV.has(id) && !ctx.invoiceLinks.has(id);

  for (const d of ctx.documents) {
    if (categoryOf.has(d.ref)) continue;
    if (customerWaits(d.record.customerId)) {
      block(d.ref, ctx.ref("customer", d.record.customerId), "its customer");
      continue;
    }
    for (const line of d.record.lines) {
      if (line.itemId !== undefined && itemWaits(line.itemId)) {
        block(d.ref, ctx.ref("item", line.itemId), "the item");
        break;
      }
    }
  }
  for (const p of ctx.payments) {
    if (blockedIds.other.has(p.id) && categoryOf.has(ctx.ref("payment", p.id))) continue;
    if (customerWaits(p.customerId)) {
      block(ctx.ref("payment", p.id), ctx.ref("customer", p.customerId), "its customer");
      continue;
    }
    for (const a of p.appliedTo) {
      if (invoiceWaits(a.invoiceId)) {
        block(ctx.ref("payment", p.id), ctx.ref("invoice", a.invoiceId), "the invoice");
        break;
      }
    }
  }
}
