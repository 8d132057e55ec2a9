import type { Customer } from "../customer.js";
import { customerToQbo } from "../customer-to-qbo.js";
import { moneyToQboAmount } from "../money.js";
import { recordRef } from "../record-ref.js";
import type { ItemRecord } from "../records/item-record.js";
import type { PaymentRecord } from "../records/payment-record.js";
import type { CreditMemoRecord, InvoiceRecord, SalesLine } from "../records/sales-document-record.js";
import { lineAmount } from "../validate/line-amount.js";
import { nameKey } from "../validate/name-key.js";
import type { QboAccountSnapshot, QboSnapshot, QboTaxCodeSnapshot } from "../validate/qbo-snapshot.js";
import { localRef } from "./local-ref.js";

/** A QBO request body as the planner builds it: wire JSON that may hold `localRef` placeholders. */
export type QboPayload = Record<string, unknown>;

/**
 * What turning records into payloads needs from the QBO company: accounts and tax codes are QBO's own
 * lists (the app names them), so they are looked up by name here rather than linked.
 */
export class QboLookups {
  private readonly accountsByKey = new Map<string, QboAccountSnapshot>();
  private readonly taxCodesByKey = new Map<string, QboTaxCodeSnapshot>();
  private readonly accountsByType = new Map<string, QboAccountSnapshot>();

  private readonly closingDate: string | undefined;

  constructor(snapshot: QboSnapshot) {
    this.closingDate = snapshot.closingDate;
    // Names first, then full names, so a full name wins when both match.
    for (const a of snapshot.accounts) if (a.active) this.accountsByKey.set(nameKey(a.name), a);
    for (const a of snapshot.accounts) if (a.active) this.accountsByKey.set(nameKey(a.fullyQualifiedName), a);
    for (const a of snapshot.accounts)
      if (a.active && !this.accountsByType.has(a.accountType)) this.accountsByType.set(a.accountType, a);
    for (const t of snapshot.taxCodes) {
      this.taxCodesByKey.set(nameKey(t.name), t);
      this.taxCodesByKey.set(`id:${t.id}`, t);
    }
  }

  /** The first day after the closing date (books open), or the start of 2000 with none. */
  firstOpenDay(): string {
    if (this.closingDate === undefined) return "2000-01-01";
    const d = new Date(`${this.closingDate}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  accountId(name: string): string | undefined {
    return this.accountsByKey.get(nameKey(name))?.id;
  }

  /** The first active account of a type (an Inventory item's asset and cost accounts). */
  accountOfType(type: string): string | undefined {
    return this.accountsByType.get(type)?.id;
  }

  taxCodeId(nameOrId: string): string {
    return (
      (this.taxCodesByKey.get(nameKey(nameOrId)) ?? this.taxCodesByKey.get(`id:${nameOrId}`))?.id ?? nameOrId
    );
  }
}

/** A customer; the parent is a placeholder resolved once the parent has its QBO Id. */
export function customerPayload(c: Customer): QboPayload {
  const payload: QboPayload = { ...customerToQbo(c) };
  if (c.parentId !== undefined) payload["ParentRef"] = { value: localRef(recordRef("customer", c.parentId)) };
  return payload;
}

export function itemPayload(item: ItemRecord, qbo: QboLookups): QboPayload {
  const p: QboPayload = { Name: item.name, Type: item.type, Active: item.active };
  if (item.sku !== undefined) p["Sku"] = item.sku;
  if (item.description !== undefined) p["Description"] = item.description;
  if (item.unitPrice !== undefined) p["UnitPrice"] = Number(item.unitPrice);
  if (item.incomeAccount !== undefined) {
    const id = qbo.accountId(item.incomeAccount);
    if (id !== undefined) p["IncomeAccountRef"] = { value: id };
  }
  if (item.type === "Inventory") {
    // The app does not track stock accounts; QBO requires them, so the company's first asset and
    // cost-of-sales accounts are used and quantities are left to QBO.
    const asset = qbo.accountOfType("Other Current Asset");
    const expense = qbo.accountOfType("Cost of Goods Sold");
    if (asset !== undefined) p["AssetAccountRef"] = { value: asset };
    if (expense !== undefined) p["ExpenseAccountRef"] = { value: expense };
    p["TrackQtyOnHand"] = true;
    p["QtyOnHand"] = 0;
    // QBO requires the date quantities start from; with none on hand, the day the books open is safe.
    p["InvStartDate"] = qbo.firstOpenDay();
  }
  return p;
}

/** Fields QBO takes only when a record is created (an item's type and stock set-up). */
const createOnly: Record<string, readonly string[]> = {
  Item: ["Type", "TrackQtyOnHand", "QtyOnHand", "InvStartDate", "AssetAccountRef", "ExpenseAccountRef"],
};

/** The payload an update may carry: without the fields QBO only accepts on create. */
export function updatablePayload(entity: string, payload: QboPayload): QboPayload {
  const drop = createOnly[entity];
  if (!drop) return payload;
  const out: QboPayload = {};
  for (const [k, v] of Object.entries(payload)) if (!drop.includes(k)) out[k] = v;
  return out;
}

function salesLine(line: SalesLine, qbo: QboLookups): QboPayload {
  const detail: QboPayload = { Qty: Number(line.qty), UnitPrice: Number(line.unitPrice) };
  if (line.itemId !== undefined) detail["ItemRef"] = { value: localRef(recordRef("item", line.itemId)) };
  if (line.taxCode !== undefined) detail["TaxCodeRef"] = { value: qbo.taxCodeId(line.taxCode) };
  const out: QboPayload = {
    DetailType: "SalesItemLineDetail",
    Amount: moneyToQboAmount(lineAmount(line)),
    SalesItemLineDetail: detail,
  };
  if (line.description !== undefined) out["Description"] = line.description;
  return out;
}

function documentPayload(d: InvoiceRecord | CreditMemoRecord, qbo: QboLookups): QboPayload {
  const p: QboPayload = {
    CustomerRef: { value: localRef(recordRef("customer", d.customerId)) },
    TxnDate: d.txnDate,
    Line: d.lines.map((l) => salesLine(l, qbo)),
  };
  if (d.docNumber !== undefined) p["DocNumber"] = d.docNumber;
  if (d.memo !== undefined) p["PrivateNote"] = d.memo;
  return p;
}

export function invoicePayload(d: InvoiceRecord, qbo: QboLookups): QboPayload {
  const p = documentPayload(d, qbo);
  if (d.dueDate !== undefined) p["DueDate"] = d.dueDate;
  return p;
}

export function creditMemoPayload(d: CreditMemoRecord, qbo: QboLookups): QboPayload {
  return documentPayload(d, qbo);
}

export function paymentPayload(p: PaymentRecord): QboPayload {
  const out: QboPayload = {
    CustomerRef: { value: localRef(recordRef("customer", p.customerId)) },
    TotalAmt: moneyToQboAmount(p.amount),
    TxnDate: p.txnDate,
    Line: p.appliedTo.map((a) => ({
      Amount: moneyToQboAmount(a.amount),
      LinkedTxn: [{ TxnId: localRef(recordRef("invoice", a.invoiceId)), TxnType: "Invoice" }],
    })),
  };
  if (p.reference !== undefined) out["PaymentRefNum"] = p.reference;
  if (p.memo !== undefined) out["PrivateNote"] = p.memo;
  return out;
}
