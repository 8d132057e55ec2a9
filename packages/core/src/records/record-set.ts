import type { Customer } from "../customer.js";
import type { ItemRecord } from "./item-record.js";
import type { PaymentRecord } from "./payment-record.js";
import type { CreditMemoRecord, InvoiceRecord } from "./sales-document-record.js";

/** The app's id → QBO Id, per kind, as earlier syncs linked them. */
export interface RecordLinks {
  customers?: ReadonlyMap<string, string>;
  items?: ReadonlyMap<string, string>;
  invoices?: ReadonlyMap<string, string>;
  creditMemos?: ReadonlyMap<string, string>;
  payments?: ReadonlyMap<string, string>;
}

/** A QBO list object that must be made active again before the records that use it are sent. */
export interface QboReactivation {
  entity: "Customer" | "Item" | "Account";
  qboId: string;
}

/**
 * Everything one validation pass looks at: the app's records, what they are already linked to, and
 * the QBO changes repairs decided to make first.
 */
export interface RecordSet {
  customers?: readonly Customer[];
  items?: readonly ItemRecord[];
  invoices?: readonly InvoiceRecord[];
  creditMemos?: readonly CreditMemoRecord[];
  payments?: readonly PaymentRecord[];
  links?: RecordLinks;
  reactivations?: readonly QboReactivation[];
}
