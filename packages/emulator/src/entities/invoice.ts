import type { Decimal } from "decimal.js";
import { faults } from "../fault.js";
import type { Realm } from "../realm.js";
import { toAmount, ZERO } from "./amount.js";
import { adjustCustomerBalance, openAmount } from "./customer-balance.js";
import type { EntityDef, QboObject } from "./entity-def.js";
import { refValue, resolveRef } from "./field-rules.js";
import { priceSalesLines, prepareTxnHeader, salesDocNumberKey } from "./sales-lines.js";

/** Total of the payments applied to an invoice. */
export function appliedTo(realm: Realm, invoiceId: string | undefined): Decimal {
  if (invoiceId === undefined) return ZERO;
  let sum = ZERO;
  for (const amount of realm.applied.get(invoiceId)?.values() ?? []) sum = sum.plus(amount);
  return sum;
}

/** The invoice's LinkedTxn: the payments applied to it. */
export function paymentLinks(realm: Realm, invoiceId: string): QboObject[] {
  return [...(realm.applied.get(invoiceId)?.keys() ?? [])].map((id) => ({ TxnId: id, TxnType: "Payment" }));
}

export const invoiceDef: EntityDef = {
  name: "Invoice",
  kind: "transaction",
  unique: [salesDocNumberKey],
  keepOnFullUpdate: ["LinkedTxn"],
  prepare(ctx, candidate, existing) {
    const customer = resolveRef(ctx.realm, "Customer", candidate, "CustomerRef", { required: true })!;
    candidate["CustomerRef"] = { value: customer["Id"], name: customer["DisplayName"] };
    prepareTxnHeader(ctx, candidate, existing);
    const total = priceSalesLines(ctx, candidate);
    const id = existing ? String(existing["Id"]) : undefined;
    const applied = appliedTo(ctx.realm, id);
    if (total.lessThan(applied))
      throw faults.businessRule(
        `The invoice total ${toAmount(total)} is less than the ${toAmount(applied)} already paid on it`,
        "Line",
      );
    candidate["TotalAmt"] = toAmount(total);
    candidate["Balance"] = toAmount(total.minus(applied));
    candidate["LinkedTxn"] = id ? paymentLinks(ctx.realm, id) : [];
    candidate["TxnTaxDetail"] ??= { TotalTax: 0 };
    candidate["DueDate"] ??= candidate["TxnDate"];
    candidate["EmailStatus"] ??= "NotSet";
    candidate["PrintStatus"] ??= "NotSet";
    candidate["Deposit"] ??= 0;
  },
  beforeDelete(ctx, record) {
    if (appliedTo(ctx.realm, String(record["Id"])).greaterThan(0))
      throw faults.businessRule(
        "An invoice with payments applied cannot be deleted; delete or unapply the payments first",
      );
  },
  void(ctx, record) {
    if (appliedTo(ctx.realm, String(record["Id"])).greaterThan(0))
      throw faults.businessRule(
        "An invoice with payments applied cannot be voided; delete or unapply the payments first",
      );
    for (const line of (record["Line"] as QboObject[] | undefined) ?? []) {
      line["Amount"] = 0;
      const detail = line["SalesItemLineDetail"] as QboObject | undefined;
      if (detail) {
        detail["Qty"] = 0;
        detail["UnitPrice"] = 0;
      }
    }
    record["TotalAmt"] = 0;
    record["Balance"] = 0;
    record["PrivateNote"] = "Voided";
  },
  afterCommit(ctx, record, previous) {
    adjustCustomerBalance(
      ctx.realm,
      previous && refValue(previous, "CustomerRef"),
      openAmount(previous, "Balance").negated(),
    );
    adjustCustomerBalance(
      ctx.realm,
      record && refValue(record, "CustomerRef"),
      openAmount(record, "Balance"),
    );
  },
};
