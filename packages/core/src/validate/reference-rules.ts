import type { RecordRef } from "../record-ref.js";
import { fix } from "./finding.js";
import { nameKey } from "./name-key.js";
import { qboRules } from "./qbo-rules.js";
import type { ValidationContext } from "./validation-context.js";

function checkCustomerRef(
  ctx: ValidationContext,
  refOf: RecordRef | (() => RecordRef),
  customerId: string,
  what: string,
): void {
  const linked = ctx.customerLinks.get(customerId);
  if (linked === undefined && ctx.customerById.has(customerId)) return; // sent first, in dependency order
  const q = linked === undefined ? undefined : ctx.qboCustomerById.get(linked);
  if (q !== undefined && ctx.isActive("Customer", q)) return;
  const customerRef = ctx.ref("customer", customerId);
  const ref = typeof refOf === "string" ? refOf : refOf();
  if (linked === undefined) {
    ctx.add({
      ref,
      category: "inactive-or-missing",
      severity: "blocks",
      field: "customerId",
      message: `This ${what} is for customer ${customerRef}, which is neither in the app's records nor linked to QuickBooks.`,
      rule: qboRules.missingReference,
      fixes: [fix("sync-first", `Send customer ${customerRef} from the app first`, { ref: customerRef })],
    });
    return;
  }
  if (!q) {
    ctx.add({
      ref,
      category: "inactive-or-missing",
      severity: "blocks",
      field: "customerId",
      message: `This ${what}'s customer ${customerRef} was linked to QuickBooks customer Id ${linked}, which no longer exists there (deleted or merged).`,
      rule: qboRules.missingReference,
      fixes: [fix("link", `Link ${customerRef} to its QuickBooks customer again`, { ref: customerRef })],
    });
  } else {
    ctx.add({
      ref,
      category: "inactive-or-missing",
      severity: "blocks",
      field: "customerId",
      message: `This ${what}'s customer "${q.displayName}" (${customerRef}) is inactive in QuickBooks.`,
      rule: qboRules.inactiveReference,
      fixes: [
        fix(
          "reactivate",
          `Reactivate "${q.displayName}" in QuickBooks`,
          { entity: "Customer", qboId: q.id },
          true,
        ),
      ],
    });
  }
}

/**
 * References from transactions: customer, items and tax codes must exist in QBO (or be sent first)
 * and be active; an unmapped line blocks; the company needs an Accounts Receivable account.
 */
export function checkReferences(ctx: ValidationContext): void {
  for (const d of ctx.documents) {
    const what = d.kind === "invoice" ? "invoice" : "credit memo";
    checkCustomerRef(ctx, d.ref, d.record.customerId, what);
    let seenItems: Set<string> | undefined; // only documents with repeated items need it
    d.record.lines.forEach((line, i) => {
      if (line.itemId === undefined) {
        ctx.add({
          ref: d.ref,
          category: "mapping",
          severity: "blocks",
          field: `lines[${i}].itemId`,
          message: `Line ${i + 1} has no product or service; QuickBooks needs one on every line.`,
          rule: qboRules.itemMapping,
          fixes: [fix("map-item", `Choose the item for line ${i + 1}`, { line: i })],
        });
      } else if (!(seenItems ??= new Set()).has(line.itemId)) {
        seenItems.add(line.itemId);
        const itemRef = ctx.ref("item", line.itemId);
        const linked = ctx.itemLinks.get(line.itemId);
        const q = linked === undefined ? undefined : ctx.qboItemById.get(linked);
        if (q !== undefined && ctx.isActive("Item", q)) {
          // linked and active: nothing to say
        } else if (linked !== undefined) {
          if (!q)
            ctx.add({
              ref: d.ref,
              category: "inactive-or-missing",
              severity: "blocks",
              field: `lines[${i}].itemId`,
              message: `Line ${i + 1} uses ${itemRef}, whose QuickBooks item (Id ${linked}) no longer exists.`,
              rule: qboRules.missingReference,
              fixes: [
                fix("map-item", `Link ${itemRef} to its QuickBooks item again`, { itemId: line.itemId }),
              ],
            });
          else
            ctx.add({
              ref: d.ref,
              category: "inactive-or-missing",
              severity: "blocks",
              field: `lines[${i}].itemId`,
              message: `Line ${i + 1} uses the item "${q.name}", which is inactive in QuickBooks.`,
              rule: qboRules.inactiveReference,
              fixes: [
                fix(
                  "reactivate",
                  `Reactivate "${q.name}" in QuickBooks`,
                  { entity: "Item", qboId: q.id },
                  true,
                ),
                fix("map-item", "Use a different item", { itemId: line.itemId }),
              ],
            });
        } else if (!ctx.itemById.has(line.itemId)) {
          ctx.add({
            ref: d.ref,
            category: "mapping",
            severity: "blocks",
            field: `lines[${i}].itemId`,
            message: `Line ${i + 1} uses item ${itemRef}, which the app has not sent and which is not mapped to a QuickBooks item.`,
            rule: qboRules.itemMapping,
            fixes: [
              fix("map-item", `Map ${itemRef} to a QuickBooks item`, { itemId: line.itemId }),
              fix("sync-first", `Send ${itemRef} from the app first`, { ref: itemRef }),
            ],
          });
        }
      }
      if (line.taxCode !== undefined) {
        const t =
          ctx.taxCodesByKey.get(line.taxCode) ??
          ctx.taxCodesByKey.get(nameKey(line.taxCode)) ??
          ctx.taxCodesByKey.get(`id:${line.taxCode}`);
        if (!t || !t.active) {
          const choices = ctx.snapshot.taxCodes.filter((c) => c.active).slice(0, 4);
          ctx.add({
            ref: d.ref,
            category: t ? "inactive-or-missing" : "mapping",
            severity: "blocks",
            field: `lines[${i}].taxCode`,
            message: t
              ? `Line ${i + 1} uses the tax code "${t.name}", which is inactive in QuickBooks.`
              : `Line ${i + 1} uses the tax code "${line.taxCode}", which QuickBooks does not have.`,
            rule: qboRules.taxCode,
            fixes: choices.map((c) =>
              fix("map-tax-code", `Use tax code "${c.name}"`, {
                field: `lines[${i}].taxCode`,
                value: c.name,
              }),
            ),
          });
        }
      }
    });
  }
  for (const p of ctx.payments)
    checkCustomerRef(ctx, () => ctx.ref("payment", p.id), p.customerId, "payment");
  checkReceivablesAccount(ctx);
}

function checkReceivablesAccount(ctx: ValidationContext): void {
  const refs: RecordRef[] = [
    ...ctx.documents.map((d) => d.ref),
    ...ctx.payments.map((p) => ctx.ref("payment", p.id)),
  ];
  if (refs.length === 0) return;
  const ar = ctx.snapshot.accounts.filter((a) => a.accountType === "Accounts Receivable");
  if (ar.some((a) => ctx.isActive("Account", a))) return;
  const inactive = ar[0];
  for (const ref of refs)
    ctx.add({
      ref,
      category: inactive ? "inactive-or-missing" : "mapping",
      severity: "blocks",
      message: inactive
        ? `The Accounts Receivable account "${inactive.fullyQualifiedName}" is inactive in QuickBooks.`
        : "QuickBooks has no Accounts Receivable account, which every invoice, credit memo and payment posts to.",
      rule: qboRules.arAccount,
      fixes: inactive
        ? [
            fix(
              "reactivate",
              `Reactivate "${inactive.fullyQualifiedName}"`,
              { entity: "Account", qboId: inactive.id },
              true,
            ),
          ]
        : [
            fix("create-account", 'Create an "Accounts Receivable" account in QuickBooks', {
              name: "Accounts Receivable (A/R)",
              accountType: "Accounts Receivable",
            }),
          ],
    });
}
