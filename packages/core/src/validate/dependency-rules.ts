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
  const blockedBy = new Map<RecordRef, ErrorCategory>();
  for (const f of ctx.findings)
    if (f.severity === "blocks" && !blockedBy.has(f.ref)) blockedBy.set(f.ref, f.category);

  const block = (ref: RecordRef, dep: RecordRef, what: string): void => {
    const category = blockedBy.get(dep) ?? "other";
    blockedBy.set(ref, category);
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
    const ref = ctx.ref("customer", id);
    if (blockedBy.has(ref)) return true;
    const c = ctx.customerById.get(id);
    if (!c || c.parentId === undefined || visiting.has(id)) return false;
    if (ctx.customerLinks.has(c.parentId)) return false;
    visiting.add(id);
    const parentBlocked = customerBlocked(c.parentId);
    visiting.delete(id);
    if (parentBlocked) block(ref, ctx.ref("customer", c.parentId), "its parent");
    return parentBlocked;
  };
  for (const c of ctx.customers) customerBlocked(c.id);

  const unsentAndBlocked = (kind: "customer" | "item" | "invoice", id: string): RecordRef | undefined => {
    const links =
      kind === "customer" ? ctx.customerLinks : kind === "item" ? ctx.itemLinks : ctx.invoiceLinks;
    if (links.has(id)) return undefined;
    const ref = ctx.ref(kind, id);
    return blockedBy.has(ref) ? ref : undefined;
  };

  for (const d of ctx.documents) {
    if (blockedBy.has(d.ref)) continue;
    const customer = unsentAndBlocked("customer", d.record.customerId);
    if (customer) {
      block(d.ref, customer, "its customer");
      continue;
    }
    for (const line of d.record.lines) {
      const item = line.itemId === undefined ? undefined : unsentAndBlocked("item", line.itemId);
      if (item) {
        block(d.ref, item, "the item");
        break;
      }
    }
  }
  for (const p of ctx.payments) {
    const ref = ctx.ref("payment", p.id);
    if (blockedBy.has(ref)) continue;
    const customer = unsentAndBlocked("customer", p.customerId);
    if (customer) {
      block(ref, customer, "its customer");
      continue;
    }
    for (const a of p.appliedTo) {
      const invoice = unsentAndBlocked("invoice", a.invoiceId);
      if (invoice) {
        block(ref, invoice, "the invoice");
        break;
      }
    }
  }
}
