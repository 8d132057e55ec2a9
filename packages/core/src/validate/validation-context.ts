import type { Customer } from "../customer.js";
import { recordRef, type RecordKind, type RecordRef } from "../record-ref.js";
import type { ItemRecord } from "../records/item-record.js";
import type { PaymentRecord } from "../records/payment-record.js";
import type { RecordSet } from "../records/record-set.js";
import type { CreditMemoRecord, InvoiceRecord } from "../records/sales-document-record.js";
import { docNumberKey } from "../repair/shorten-doc-number.js";
import type { Finding } from "./finding.js";
import { documentTotal } from "./line-amount.js";
import { nameKey, qboInactiveNameKey } from "./name-key.js";
import type { ValidationPolicy } from "./policy.js";
import type {
  QboAccountSnapshot,
  QboCustomerSnapshot,
  QboDocumentSnapshot,
  QboItemSnapshot,
  QboPaymentSnapshot,
  QboSnapshot,
  QboTaxCodeSnapshot,
} from "./qbo-snapshot.js";

export type QboNameEntity = "Customer" | "Vendor" | "Employee";

export interface QboNameEntry {
  entity: QboNameEntity;
  id: string;
  displayName: string;
  active: boolean;
}

/** A sales document with its kind, so invoices and credit memos can be checked by one rule. */
export type SalesDocument =
  | { kind: "invoice"; record: InvoiceRecord; ref: RecordRef }
  | { kind: "creditMemo"; record: CreditMemoRecord; ref: RecordRef };

const emptyMap: ReadonlyMap<string, string> = new Map();

function group<T>(values: readonly T[], key: (v: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const v of values) {
    const k = key(v);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}

/** Indexes built once per validation pass, shared by the rule families (each O(records)). */
export class ValidationContext {
  readonly findings: Finding[] = [];
  readonly customers: readonly Customer[];
  readonly items: readonly ItemRecord[];
  readonly documents: SalesDocument[];
  readonly payments: readonly PaymentRecord[];

  readonly customerLinks: ReadonlyMap<string, string>;
  readonly itemLinks: ReadonlyMap<string, string>;
  readonly invoiceLinks: ReadonlyMap<string, string>;
  readonly creditMemoLinks: ReadonlyMap<string, string>;
  readonly paymentLinks: ReadonlyMap<string, string>;

  readonly customerById: Map<string, Customer>;
  readonly itemById: Map<string, ItemRecord>;
  readonly invoiceById: Map<string, InvoiceRecord>;

  readonly qboCustomerById: Map<string, QboCustomerSnapshot>;
  readonly qboItemById: Map<string, QboItemSnapshot>;
  readonly qboAccountById: Map<string, QboAccountSnapshot>;
  readonly qboNamesByKey: Map<string, QboNameEntry[]>;
  readonly qboItemsByNameKey: Map<string, QboItemSnapshot[]>;
  readonly qboItemsBySku: Map<string, QboItemSnapshot[]>;
  readonly accountsByFullNameKey: Map<string, QboAccountSnapshot[]>;
  readonly accountsByNameKey: Map<string, QboAccountSnapshot[]>;
  readonly taxCodesByKey: Map<string, QboTaxCodeSnapshot>;
  readonly documentsByDocKey: Map<string, QboDocumentSnapshot[]>;
  readonly qboInvoiceById: Map<string, QboDocumentSnapshot>;
  readonly paymentsByMatchKey: Map<string, QboPaymentSnapshot[]>;
  readonly reactivated: Set<string>;
  private taken: Set<string> | undefined;

  private readonly totals = new Map<object, number>();

  constructor(
    records: RecordSet,
    readonly snapshot: QboSnapshot,
    readonly policy: ValidationPolicy,
  ) {
    this.customers = records.customers ?? [];
    this.items = records.items ?? [];
    this.payments = records.payments ?? [];
    this.documents = [
      ...(records.invoices ?? []).map((record): SalesDocument => ({
        kind: "invoice",
        record,
        ref: recordRef("invoice", record.id),
      })),
      ...(records.creditMemos ?? []).map((record): SalesDocument => ({
        kind: "creditMemo",
        record,
        ref: recordRef("creditMemo", record.id),
      })),
    ];
    const links = records.links ?? {};
    this.customerLinks = links.customers ?? emptyMap;
    this.itemLinks = links.items ?? emptyMap;
    this.invoiceLinks = links.invoices ?? emptyMap;
    this.creditMemoLinks = links.creditMemos ?? emptyMap;
    this.paymentLinks = links.payments ?? emptyMap;

    this.customerById = new Map(this.customers.map((c) => [c.id, c]));
    this.itemById = new Map(this.items.map((i) => [i.id, i]));
    this.invoiceById = new Map((records.invoices ?? []).map((i) => [i.id, i]));

    this.qboCustomerById = new Map(snapshot.customers.map((c) => [c.id, c]));
    this.qboItemById = new Map(snapshot.items.map((i) => [i.id, i]));
    this.qboAccountById = new Map(snapshot.accounts.map((a) => [a.id, a]));
    const names: QboNameEntry[] = [];
    for (const c of snapshot.customers) names.push({ entity: "Customer", ...pickName(c) });
    for (const v of snapshot.vendors) names.push({ entity: "Vendor", ...pickName(v) });
    for (const e of snapshot.employees) names.push({ entity: "Employee", ...pickName(e) });
    this.qboNamesByKey = group(names, (n) =>
      n.active ? nameKey(n.displayName) : qboInactiveNameKey(n.displayName),
    );
    this.qboItemsByNameKey = group(snapshot.items, (i) => nameKey(i.name));
    this.qboItemsBySku = group(snapshot.items, (i) => (i.sku === undefined ? undefined : i.sku.trim()));
    this.accountsByFullNameKey = group(snapshot.accounts, (a) => nameKey(a.fullyQualifiedName));
    this.accountsByNameKey = group(snapshot.accounts, (a) => nameKey(a.name));
    this.taxCodesByKey = new Map();
    for (const t of snapshot.taxCodes) {
      this.taxCodesByKey.set(t.name, t); // exact name first: no normalising on the common path
      this.taxCodesByKey.set(nameKey(t.name), t);
      this.taxCodesByKey.set(`id:${t.id}`, t);
    }
    this.documentsByDocKey = group(snapshot.documents, (d) =>
      d.docNumber === undefined ? undefined : docNumberKey(d.docNumber),
    );
    this.qboInvoiceById = new Map();
    for (const d of snapshot.documents) if (d.type === "Invoice") this.qboInvoiceById.set(d.id, d);
    this.paymentsByMatchKey = group(snapshot.payments, (p) =>
      paymentMatchKey(p.customerId, p.total, p.txnDate),
    );
    this.reactivated = new Set((records.reactivations ?? []).map((r) => `${r.entity}:${r.qboId}`));
  }

  /**
   * Every DocNumber in use, in QBO or in the app (as keys), so suggested numbers stay unique. Built on
   * first use: only shortening and renumbering need it.
   */
  get takenDocNumbers(): Set<string> {
    if (this.taken === undefined) {
      this.taken = new Set(this.documentsByDocKey.keys());
      for (const d of this.documents)
        if (d.record.docNumber !== undefined) this.taken.add(docNumberKey(d.record.docNumber));
    }
    return this.taken;
  }

  add(finding: Finding): void {
    this.findings.push(finding);
  }

  /** Active in QBO, or about to be reactivated by a repair. */
  isActive(entity: "Customer" | "Item" | "Account", obj: { id: string; active: boolean }): boolean {
    return obj.active || this.reactivated.has(`${entity}:${obj.id}`);
  }

  /** The QBO total the app's document will have. */
  totalOf(doc: InvoiceRecord | CreditMemoRecord): number {
    let t = this.totals.get(doc);
    if (t === undefined) {
      t = documentTotal(doc.lines);
      this.totals.set(doc, t);
    }
    return t;
  }

  /**
   * The QBO Id of an app customer: its link, or else the one QBO customer with its exact name (the
   * match stage links such pairs; until then this lets payment and DocNumber checks see them).
   */
  qboCustomerIdFor(appCustomerId: string): string | undefined {
    const linked = this.customerLinks.get(appCustomerId);
    if (linked !== undefined) return linked;
    const c = this.customerById.get(appCustomerId);
    if (!c) return undefined;
    const same = (this.qboNamesByKey.get(nameKey(c.displayName)) ?? []).filter(
      (n) => n.entity === "Customer",
    );
    return same.length === 1 ? same[0]!.id : undefined;
  }

  ref(kind: RecordKind, id: string): RecordRef {
    return recordRef(kind, id);
  }
}

function pickName(n: { id: string; displayName: string; active: boolean }): Omit<QboNameEntry, "entity"> {
  return { id: n.id, displayName: n.displayName, active: n.active };
}

export const paymentMatchKey = (customerId: string, total: number, txnDate: string): string =>
  `${customerId}|${total}|${txnDate}`;
