import { Decimal } from "decimal.js";
import { formatMoney } from "../money.js";
import { fix, type Fix } from "./finding.js";
import { lineAmount } from "./line-amount.js";
import { qboRules } from "./qbo-rules.js";
import type { ValidationContext } from "./validation-context.js";

const isNegative = (decimal: string): boolean => decimal.startsWith("-") && !/^-0(\.0+)?$/.test(decimal);

/**
 * Line totals (Amount = Qty × UnitPrice to the cent), negative quantities where QBO refuses them,
 * negative document totals, and the app's total against the one QBO will compute.
 */
export function checkAmounts(ctx: ValidationContext): void {
  for (const d of ctx.documents) {
    d.record.lines.forEach((line, i) => {
      if (line.amount !== undefined) {
        const expected = lineAmount(line);
        if (line.amount !== expected) {
          const rounding = Math.abs(line.amount - expected) <= 1;
          const fixes: Fix[] = [
            fix(
              "fix-amount",
              `Make the line amount ${formatMoney(expected)} (${line.qty} × ${line.unitPrice})`,
              { field: `lines[${i}].amount`, value: expected },
              rounding,
            ),
          ];
          const qty = new Decimal(line.qty);
          if (!qty.isZero()) {
            const price = new Decimal(line.amount).div(100).div(qty);
            if (price.decimalPlaces() <= 7)
              fixes.push(
                fix(
                  "fix-unit-price",
                  `Make the unit price ${price.toFixed()} so the amount stays ${formatMoney(line.amount)}`,
                  {
                    field: `lines[${i}].unitPrice`,
                    value: price.toFixed(),
                  },
                ),
              );
          }
          ctx.add({
            ref: d.ref,
            category: "invalid-data",
            severity: "blocks",
            field: `lines[${i}].amount`,
            message: rounding
              ? `Line ${i + 1}'s amount ${formatMoney(line.amount)} is off by a rounding cent: ${line.qty} × ${line.unitPrice} is ${formatMoney(expected)}.`
              : `Line ${i + 1}'s amount ${formatMoney(line.amount)} does not match ${line.qty} × ${line.unitPrice} = ${formatMoney(expected)}.`,
            rule: qboRules.lineAmount,
            fixes,
          });
        }
      }
      if (isNegative(line.qty)) {
        const itemType =
          line.itemId === undefined
            ? undefined
            : (ctx.itemById.get(line.itemId)?.type ??
              ctx.qboItemById.get(ctx.itemLinks.get(line.itemId) ?? "")?.type);
        const refused = d.kind === "creditMemo" || itemType === "Inventory";
        ctx.add({
          ref: d.ref,
          category: "invalid-data",
          severity: refused ? "blocks" : "warns",
          field: `lines[${i}].qty`,
          message:
            d.kind === "creditMemo"
              ? `Line ${i + 1} has a negative quantity (${line.qty}); on a credit memo quantities are positive — the memo itself is the credit.`
              : refused
                ? `Line ${i + 1} takes back ${line.qty.slice(1)} of an inventory item; QuickBooks records returns on a credit memo, not as a negative invoice line.`
                : `Line ${i + 1} has a negative quantity (${line.qty}); QuickBooks will treat it as a deduction on the invoice.`,
          rule: qboRules.negativeQuantity,
          fixes:
            d.kind === "creditMemo"
              ? [fix("edit-field", "Make the quantity positive", { field: `lines[${i}].qty` })]
              : [fix("use-credit-memo", "Send the returned items on a credit memo", { line: i })],
        });
      }
    });
    const total = ctx.totalOf(d.record);
    if (total < 0) {
      ctx.add({
        ref: d.ref,
        category: "invalid-data",
        severity: "blocks",
        field: "lines",
        message: `The total would be ${formatMoney(total)}; QuickBooks does not accept a negative ${d.kind === "invoice" ? "invoice" : "credit memo"}.`,
        rule: qboRules.negativeTotal,
        fixes: [
          d.kind === "invoice"
            ? fix("use-credit-memo", "Send it as a credit memo instead", {})
            : fix("use-invoice", "Send it as an invoice instead", {}),
        ],
      });
    }
    if (d.record.total !== undefined && d.record.total !== total) {
      ctx.add({
        ref: d.ref,
        category: "invalid-data",
        severity: "warns",
        field: "total",
        message: `The app shows a total of ${formatMoney(d.record.total)}, but the lines add up to ${formatMoney(total)}, which is what QuickBooks will record.`,
        rule: qboRules.documentTotal,
        fixes: [fix("edit-field", "Check the lines and the total in the app", { field: "total" })],
      });
    }
  }
}
