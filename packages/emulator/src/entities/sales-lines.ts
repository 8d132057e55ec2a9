import { Decimal } from "decimal.js";
import { faults } from "../fault.js";
import type { Realm } from "../realm.js";
import { optionalDecimal, toAmount, ZERO } from "./amount.js";
import type { QboObject, WriteContext } from "./entity-def.js";
import { checkLength, normalizeKey, resolveRef, stringField } from "./field-rules.js";
import { customTxnNumbers } from "./preferences.js";

const LINE_TYPES = [
  "SalesItemLineDetail",
  "DescriptionOnly",
  "DiscountLineDetail",
  "SubTotalLineDetail",
] as const;

/**
 * Checks and prices the lines of a sales form (Invoice, CreditMemo): amounts from Qty × UnitPrice
 * in exact decimals, 6070 when a supplied Amount disagrees, discounts, and QBO's generated subtotal
 * line. Returns the total.
 */
export function priceSalesLines(ctx: WriteContext, candidate: QboObject): Decimal {
  const lines = candidate["Line"];
  if (!Array.isArray(lines) || lines.length === 0) throw faults.required("Line");
  const out: QboObject[] = [];
  let subtotal = ZERO;
  const discounts: { line: QboObject; detail: Record<string, unknown> }[] = [];
  lines.forEach((raw: unknown) => {
    if (raw === null || typeof raw !== "object") throw faults.malformedRequest("Each Line must be an object");
    const line = { ...(raw as QboObject) };
    const type = stringField(line, "DetailType");
    if (type === undefined) throw faults.required("Line.DetailType");
    if (!(LINE_TYPES as readonly string[]).includes(type))
      throw faults.invalidEnum("Line.DetailType", type, LINE_TYPES);
    if (type === "SubTotalLineDetail") return; // QBO recomputes it
    checkLength(line, "Description", 4000, "Line.Description");
    const lineNum = out.length + 1;
    line["Id"] = String(lineNum);
    line["LineNum"] = lineNum;
    if (type === "DescriptionOnly") {
      line["Amount"] = 0;
      line["DescriptionLineDetail"] ??= {};
      out.push(line);
      return;
    }
    if (type === "DiscountLineDetail") {
      const detail = { ...((line["DiscountLineDetail"] as Record<string, unknown> | undefined) ?? {}) };
      line["DiscountLineDetail"] = detail;
      discounts.push({ line, detail });
      out.push(line);
      return;
    }
    const detailRaw = line["SalesItemLineDetail"];
    if (detailRaw === null || typeof detailRaw !== "object")
      throw faults.required("Line.SalesItemLineDetail");
    const detail = { ...(detailRaw as QboObject) };
    line["SalesItemLineDetail"] = detail;
    const item = resolveRef(ctx.realm, "Item", detail, "ItemRef", { required: true })!;
    if (item["Type"] === "Category")
      throw faults.businessRule("A category cannot be sold on a line", "ItemRef");
    detail["ItemRef"] = { value: item["Id"], name: item["Name"] };
    const qty = optionalDecimal(detail["Qty"], "Line.SalesItemLineDetail.Qty");
    const price = optionalDecimal(detail["UnitPrice"], "Line.SalesItemLineDetail.UnitPrice");
    const supplied = optionalDecimal(line["Amount"], "Line.Amount");
    let amount: Decimal;
    if (supplied !== undefined) {
      amount = supplied;
      if (
        qty !== undefined &&
        price !== undefined &&
        !qty.times(price).toDecimalPlaces(2).equals(supplied.toDecimalPlaces(2))
      )
        throw faults.amountMismatch(String(lineNum));
    } else if (price !== undefined) {
      amount = (qty ?? new Decimal(1)).times(price);
    } else {
      throw faults.required("Line.Amount");
    }
    if (qty !== undefined) detail["Qty"] = qty.toNumber();
    if (price !== undefined) detail["UnitPrice"] = price.toNumber();
    const taxId = (detail["TaxCodeRef"] as { value?: unknown } | undefined)?.value;
    if (taxId !== undefined && !ctx.realm.table("TaxCode").has(String(taxId)))
      throw faults.objectNotFound(
        `Line.SalesItemLineDetail.TaxCodeRef: TaxCode ${String(taxId)} does not exist`,
      );
    line["Amount"] = toAmount(amount);
    subtotal = subtotal.plus(new Decimal(String(line["Amount"])));
    out.push(line);
  });
  let discountTotal = ZERO;
  for (const { line, detail } of discounts) {
    let amount: Decimal;
    if (detail["PercentBased"] === true) {
      const pct = optionalDecimal(detail["DiscountPercent"], "Line.DiscountLineDetail.DiscountPercent");
      if (pct === undefined) throw faults.required("Line.DiscountLineDetail.DiscountPercent");
      amount = subtotal.times(pct).dividedBy(100);
    } else {
      const supplied = optionalDecimal(line["Amount"], "Line.Amount");
      if (supplied === undefined) throw faults.required("Line.Amount");
      amount = supplied;
    }
    line["Amount"] = toAmount(amount);
    discountTotal = discountTotal.plus(new Decimal(String(line["Amount"])));
  }
  out.push({ Amount: toAmount(subtotal), DetailType: "SubTotalLineDetail", SubTotalLineDetail: {} });
  candidate["Line"] = out;
  return subtotal.minus(discountTotal);
}

/** The DocNumber namespace Invoice and CreditMemo share (6140 unless allowduplicatedocnum). */
export const salesDocNumberKey = {
  scope: "sales-doc-number",
  key: (r: QboObject) =>
    typeof r["DocNumber"] === "string" && r["DocNumber"] !== "" ? normalizeKey(r["DocNumber"]) : undefined,
  allowShared: (ctx: WriteContext) => ctx.allowDuplicateDocNum,
  fault: (r: QboObject, holder: { entity: string; id: string }) =>
    faults.duplicateDocNumber(String(r["DocNumber"]), holder.entity, holder.id),
};

function nextDocNumber(realm: Realm): string {
  const index = realm.uniqueIndex.get(salesDocNumberKey.scope);
  let n = realm.counters.get("sales-doc-number") ?? 1001;
  while (index?.has(String(n))) n++;
  realm.counters.set("sales-doc-number", n + 1);
  return String(n);
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** TxnDate, defaulting to today in the company's time zone. */
export function prepareTxnDate(ctx: WriteContext, candidate: QboObject): void {
  const txnDate = stringField(candidate, "TxnDate");
  if (txnDate === undefined || txnDate === "") candidate["TxnDate"] = ctx.realm.today();
  else if (!isoDate.test(txnDate.slice(0, 10)))
    throw faults.malformedRequest(`TxnDate must be YYYY-MM-DD, got ${txnDate}`);
  else candidate["TxnDate"] = txnDate.slice(0, 10);
  candidate["CurrencyRef"] ??= { value: "USD", name: "United States Dollar" };
}

/** TxnDate, and DocNumber (length; numbered by QBO when the company does not type its own). */
export function prepareTxnHeader(
  ctx: WriteContext,
  candidate: QboObject,
  existing: QboObject | undefined,
): void {
  prepareTxnDate(ctx, candidate);
  checkLength(candidate, "DocNumber", 21);
  checkLength(candidate, "PrivateNote", 4000);
  const doc = stringField(candidate, "DocNumber");
  if ((doc === undefined || doc === "") && existing === undefined) {
    const prefs = ctx.realm.table("Preferences").get("1");
    if (!customTxnNumbers(prefs)) candidate["DocNumber"] = nextDocNumber(ctx.realm);
  }
}
