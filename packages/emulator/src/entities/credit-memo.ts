import { adjustCustomerBalance, openAmount } from "./customer-balance.js";
import type { EntityDef } from "./entity-def.js";
import { refValue, resolveRef } from "./field-rules.js";
import { toAmount } from "./amount.js";
import { priceSalesLines, prepareTxnHeader, salesDocNumberKey } from "./sales-lines.js";

export const creditMemoDef: EntityDef = {
  name: "CreditMemo",
  kind: "transaction",
  // Invoices and credit memos share one DocNumber namespace (a duplicate across them is 6140).
  unique: [salesDocNumberKey],
  prepare(ctx, candidate, existing) {
    const customer = resolveRef(ctx.realm, "Customer", candidate, "CustomerRef", { required: true })!;
    candidate["CustomerRef"] = { value: customer["Id"], name: customer["DisplayName"] };
    prepareTxnHeader(ctx, candidate, existing);
    const total = toAmount(priceSalesLines(ctx, candidate));
    candidate["TotalAmt"] = total;
    // Applying credit memos to invoices is not emulated: all of the credit remains.
    candidate["RemainingCredit"] = total;
    candidate["Balance"] = total;
    candidate["TxnTaxDetail"] ??= { TotalTax: 0 };
  },
  afterCommit(ctx, record, previous) {
    adjustCustomerBalance(
      ctx.realm,
      previous && refValue(previous, "CustomerRef"),
      openAmount(previous, "RemainingCredit"),
    );
    adjustCustomerBalance(
      ctx.realm,
      record && refValue(record, "CustomerRef"),
      openAmount(record, "RemainingCredit").negated(),
    );
  },
};
