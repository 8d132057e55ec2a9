import { Decimal } from "decimal.js";
import { faults } from "../fault.js";
import type { Realm } from "../realm.js";
import { toAmount, toDecimal, ZERO } from "./amount.js";
import { adjustCustomerBalance, openAmount } from "./customer-balance.js";
import type { EntityDef, QboObject, WriteContext } from "./entity-def.js";
import { checkLength, refValue, resolveRef } from "./field-rules.js";
import { paymentLinks } from "./invoice.js";
import { prepareTxnDate } from "./sales-lines.js";

/** invoice Id → amount this payment applies to it. */
function applications(record: QboObject | undefined): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const line of (record?.["Line"] as QboObject[] | undefined) ?? []) {
    for (const link of (line["LinkedTxn"] as QboObject[] | undefined) ?? []) {
      if (link["TxnType"] !== "Invoice") continue;
      const id = String(link["TxnId"]);
      out.set(id, (out.get(id) ?? ZERO).plus(new Decimal(String(line["Amount"] ?? 0))));
    }
  }
  return out;
}

function undepositedFunds(realm: Realm): QboObject | undefined {
  for (const a of realm.table("Account").values())
    if (a["Name"] === "Undeposited Funds" && a["Active"] !== false) return a;
  return undefined;
}

function checkLines(
  ctx: WriteContext,
  candidate: QboObject,
  existing: QboObject | undefined,
  customerId: string,
): Decimal {
  const lines = candidate["Line"] ?? [];
  if (!Array.isArray(lines)) throw faults.malformedRequest("Property Line must be an array");
  const before = applications(existing);
  let sum = ZERO;
  candidate["Line"] = lines.map((raw: unknown, i) => {
    if (raw === null || typeof raw !== "object") throw faults.malformedRequest("Each Line must be an object");
    const line = { ...(raw as QboObject) };
    const amount = toDecimal(line["Amount"], `Line[${i}].Amount`);
    if (amount.isNegative()) throw faults.businessRule("A payment line cannot be negative", "Line.Amount");
    const links = line["LinkedTxn"];
    if (!Array.isArray(links) || links.length === 0) throw faults.required("Line.LinkedTxn");
    for (const link of links as QboObject[]) {
      const type = String(link["TxnType"] ?? "");
      if (type !== "Invoice") throw faults.invalidEnum("Line.LinkedTxn.TxnType", type, ["Invoice"]);
      const id = String(link["TxnId"] ?? "");
      const invoice = ctx.realm.batchHidden?.has(`Invoice:${id}`)
        ? undefined
        : ctx.realm.table("Invoice").get(id);
      if (!invoice) throw faults.objectNotFound(`Line.LinkedTxn: Invoice Id=${id} does not exist`);
      if (refValue(invoice, "CustomerRef") !== customerId)
        throw faults.businessRule(`Invoice Id=${id} belongs to another customer`, "Line.LinkedTxn");
      const open = new Decimal(String(invoice["Balance"] ?? 0)).plus(before.get(id) ?? ZERO);
      if (amount.greaterThan(open))
        throw faults.businessRule(
          `The payment of ${toAmount(amount)} is more than the ${toAmount(open)} open on invoice Id=${id}`,
          "Line.Amount",
        );
    }
    line["Amount"] = toAmount(amount);
    sum = sum.plus(amount);
    return line;
  });
  return sum;
}

/** Re-applies this payment's lines to the invoices they name: balances, links and SyncTokens. */
function reapply(
  realm: Realm,
  paymentId: string,
  before: Map<string, Decimal>,
  after: Map<string, Decimal>,
): void {
  for (const invoiceId of new Set([...before.keys(), ...after.keys()])) {
    const amount = after.get(invoiceId);
    if (
      (before.get(invoiceId) ?? ZERO).equals(amount ?? ZERO) &&
      before.has(invoiceId) === after.has(invoiceId)
    )
      continue;
    let map = realm.applied.get(invoiceId);
    if (!map) {
      map = new Map();
      realm.applied.set(invoiceId, map);
    }
    if (amount === undefined || amount.isZero()) map.delete(paymentId);
    else map.set(paymentId, amount.toString());
    if (map.size === 0) realm.applied.delete(invoiceId);
    const invoice = realm.table("Invoice").get(invoiceId);
    if (!invoice) continue;
    let paid = ZERO;
    for (const a of realm.applied.get(invoiceId)?.values() ?? []) paid = paid.plus(a);
    const oldBalance = new Decimal(String(invoice["Balance"] ?? 0));
    const newBalance = new Decimal(String(invoice["TotalAmt"] ?? 0)).minus(paid);
    invoice["Balance"] = toAmount(newBalance);
    invoice["LinkedTxn"] = paymentLinks(realm, invoiceId);
    // QBO treats the invoice as changed (CDC and webhooks report it).
    invoice["SyncToken"] = String(Number(invoice["SyncToken"]) + 1);
    const meta = invoice["MetaData"] as { CreateTime: string };
    invoice["MetaData"] = { CreateTime: meta.CreateTime, LastUpdatedTime: realm.timestamp() };
    adjustCustomerBalance(realm, refValue(invoice, "CustomerRef"), newBalance.minus(oldBalance));
    realm.emitChange("Invoice", invoiceId, "Update");
  }
}

export const paymentDef: EntityDef = {
  name: "Payment",
  kind: "transaction",
  prepare(ctx, candidate, existing) {
    const customer = resolveRef(ctx.realm, "Customer", candidate, "CustomerRef", { required: true })!;
    candidate["CustomerRef"] = { value: customer["Id"], name: customer["DisplayName"] };
    if (candidate["TotalAmt"] === undefined || candidate["TotalAmt"] === null)
      throw faults.required("TotalAmt");
    const total = toDecimal(candidate["TotalAmt"], "TotalAmt");
    if (total.isNegative()) throw faults.businessRule("TotalAmt cannot be negative", "TotalAmt");
    prepareTxnDate(ctx, candidate);
    checkLength(candidate, "PaymentRefNum", 21);
    checkLength(candidate, "PrivateNote", 4000);
    const applied = checkLines(ctx, candidate, existing, String(customer["Id"]));
    if (applied.greaterThan(total))
      throw faults.businessRule(
        `The lines apply ${toAmount(applied)}, more than the payment's TotalAmt ${toAmount(total)}`,
        "TotalAmt",
      );
    candidate["TotalAmt"] = toAmount(total);
    candidate["UnappliedAmt"] = toAmount(total.minus(applied));
    const deposit =
      resolveRef(ctx.realm, "Account", candidate, "DepositToAccountRef", { required: false }) ??
      undepositedFunds(ctx.realm);
    if (deposit) candidate["DepositToAccountRef"] = { value: deposit["Id"], name: deposit["Name"] };
    candidate["CurrencyRef"] ??= { value: "USD", name: "United States Dollar" };
  },
  void(_ctx, record) {
    for (const line of (record["Line"] as QboObject[] | undefined) ?? []) line["Amount"] = 0;
    record["TotalAmt"] = 0;
    record["UnappliedAmt"] = 0;
    record["PrivateNote"] = "Voided";
  },
  afterCommit(ctx, record, previous) {
    const id = String((record ?? previous)!["Id"]);
    reapply(ctx.realm, id, applications(previous), applications(record));
    // Unapplied money is a credit on the customer.
    adjustCustomerBalance(
      ctx.realm,
      previous && refValue(previous, "CustomerRef"),
      openAmount(previous, "UnappliedAmt"),
    );
    adjustCustomerBalance(
      ctx.realm,
      record && refValue(record, "CustomerRef"),
      openAmount(record, "UnappliedAmt").negated(),
    );
  },
};
