import { moneyFromQboAmount, type MinorUnits } from "../money.js";
import { isCalendarDate, type CalendarDate } from "../records/calendar-date.js";
import type {
  QboAccountSnapshot,
  QboCustomerSnapshot,
  QboDocumentSnapshot,
  QboItemSnapshot,
  QboNameSnapshot,
  QboPaymentSnapshot,
  QboSnapshot,
  QboTaxCodeSnapshot,
} from "../validate/qbo-snapshot.js";
import {
  QboMirrorDataError,
  mirroredEntities,
  type MirroredEntity,
  type MirroredObject,
  type QboMirrorPort,
} from "./qbo-mirror.js";

type Wire = Record<string, unknown>;

/** Reads fields off one object's wire JSON, naming the object and field in every error. */
class Fields {
  constructor(
    private readonly o: MirroredObject,
    private readonly w: Wire,
  ) {}

  static of(o: MirroredObject): Fields {
    if (o.data === null || typeof o.data !== "object" || Array.isArray(o.data))
      throw new QboMirrorDataError(o.entity, o.id, "(object)", "is not a JSON object");
    return new Fields(o, o.data as Wire);
  }

  private fail(field: string, message: string): never {
    throw new QboMirrorDataError(this.o.entity, this.o.id, field, message);
  }

  optionalString(field: string): string | undefined {
    const v = this.w[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") this.fail(field, "is not a string");
    return v;
  }

  string(field: string): string {
    const v = this.optionalString(field);
    if (v === undefined) this.fail(field, "is missing");
    return v;
  }

  optionalRef(field: string): string | undefined {
    const v = this.w[field];
    if (v === undefined || v === null) return undefined;
    const value = typeof v === "object" ? (v as { value?: unknown }).value : undefined;
    if (typeof value !== "string" || value === "") this.fail(`${field}.value`, "is not a reference id");
    return value;
  }

  ref(field: string): string {
    const v = this.optionalRef(field);
    if (v === undefined) this.fail(field, "is missing");
    return v;
  }

  optionalMoney(field: string): MinorUnits | undefined {
    const v = this.w[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(field, "is not an amount");
    return moneyFromQboAmount(v);
  }

  money(field: string): MinorUnits {
    return this.optionalMoney(field) ?? this.fail(field, "is missing");
  }

  date(field: string): CalendarDate {
    const v = this.string(field).slice(0, 10);
    if (!isCalendarDate(v)) this.fail(field, `is not a date (YYYY-MM-DD): ${this.w[field] as string}`);
    return v;
  }

  optionalInteger(field: string): number | undefined {
    const v = this.w[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v)) this.fail(field, "is not an integer");
    return v;
  }
}

const live = (objects: ReadonlyMap<MirroredEntity, readonly MirroredObject[]>, e: MirroredEntity) =>
  (objects.get(e) ?? []).filter((o) => !o.deleted);

function nameEntry(o: MirroredObject): QboNameSnapshot {
  return { id: o.id, displayName: Fields.of(o).string("DisplayName"), active: o.active };
}

function customerEntry(o: MirroredObject): QboCustomerSnapshot {
  const f = Fields.of(o);
  const c: QboCustomerSnapshot = { id: o.id, displayName: f.string("DisplayName"), active: o.active };
  const parentId = f.optionalRef("ParentRef");
  if (parentId !== undefined) c.parentId = parentId;
  const level = f.optionalInteger("Level");
  if (level !== undefined) c.level = level;
  return c;
}

function itemEntry(o: MirroredObject): QboItemSnapshot {
  const f = Fields.of(o);
  const item: QboItemSnapshot = {
    id: o.id,
    name: f.string("Name"),
    type: f.string("Type"),
    active: o.active,
  };
  const sku = f.optionalString("Sku");
  if (sku !== undefined && sku !== "") item.sku = sku;
  const income = f.optionalRef("IncomeAccountRef");
  if (income !== undefined) item.incomeAccountId = income;
  return item;
}

function accountEntry(o: MirroredObject): QboAccountSnapshot {
  const f = Fields.of(o);
  const name = f.string("Name");
  return {
    id: o.id,
    name,
    fullyQualifiedName: f.optionalString("FullyQualifiedName") ?? name,
    accountType: f.string("AccountType"),
    active: o.active,
  };
}

function taxCodeEntry(o: MirroredObject): QboTaxCodeSnapshot {
  return { id: o.id, name: Fields.of(o).string("Name"), active: o.active };
}

function documentEntry(type: "Invoice" | "CreditMemo", o: MirroredObject): QboDocumentSnapshot {
  const f = Fields.of(o);
  const d: QboDocumentSnapshot = {
    type,
    id: o.id,
    customerId: f.ref("CustomerRef"),
    total: f.money("TotalAmt"),
    txnDate: f.date("TxnDate"),
  };
  const docNumber = f.optionalString("DocNumber");
  if (docNumber !== undefined && docNumber !== "") d.docNumber = docNumber;
  const balance = f.optionalMoney("Balance");
  if (balance !== undefined) d.balance = balance;
  return d;
}

function paymentEntry(o: MirroredObject): QboPaymentSnapshot {
  const f = Fields.of(o);
  const p: QboPaymentSnapshot = {
    id: o.id,
    customerId: f.ref("CustomerRef"),
    total: f.money("TotalAmt"),
    txnDate: f.date("TxnDate"),
  };
  const reference = f.optionalString("PaymentRefNum");
  if (reference !== undefined && reference !== "") p.reference = reference;
  return p;
}

function preferencesOf(preferences: unknown): Pick<QboSnapshot, "preferences" | "closingDate"> {
  // Never pulled: assume what an empty company allows (custom numbers on, books open).
  if (preferences === undefined || preferences === null) return { preferences: { customTxnNumbers: true } };
  if (typeof preferences !== "object" || Array.isArray(preferences))
    throw new QboMirrorDataError("Preferences", undefined, "(object)", "is not a JSON object");
  const p = preferences as {
    SalesFormsPrefs?: { CustomTxnNumbers?: unknown };
    AccountingInfoPrefs?: { BookCloseDate?: unknown };
  };
  const out: Pick<QboSnapshot, "preferences" | "closingDate"> = {
    // QBO numbers sales forms itself unless the company turned custom numbers on.
    preferences: { customTxnNumbers: p.SalesFormsPrefs?.CustomTxnNumbers === true },
  };
  const close = p.AccountingInfoPrefs?.BookCloseDate;
  if (close !== undefined && close !== null && close !== "") {
    const day = typeof close === "string" ? close.slice(0, 10) : "";
    if (!isCalendarDate(day))
      throw new QboMirrorDataError(
        "Preferences",
        undefined,
        "AccountingInfoPrefs.BookCloseDate",
        `is not a date (YYYY-MM-DD): ${String(close)}`,
      );
    out.closingDate = day;
  }
  return out;
}

/**
 * Pure: the mirror as pre-flight validation sees it. Deleted objects are left out; inactive name-list
 * entries stay (their names still collide, 6240). Money in minor units, dates as calendar dates, the
 * closing date from Preferences.AccountingInfoPrefs.BookCloseDate. A malformed object is an error
 * naming it and the field, never silently dropped.
 */
export function snapshotFromMirror(
  objects: ReadonlyMap<MirroredEntity, readonly MirroredObject[]>,
  preferences: unknown,
): QboSnapshot {
  return {
    customers: live(objects, "Customer").map(customerEntry),
    vendors: live(objects, "Vendor").map(nameEntry),
    employees: live(objects, "Employee").map(nameEntry),
    items: live(objects, "Item").map(itemEntry),
    accounts: live(objects, "Account").map(accountEntry),
    taxCodes: live(objects, "TaxCode").map(taxCodeEntry),
    ...preferencesOf(preferences),
    documents: [
      ...live(objects, "Invoice").map((o) => documentEntry("Invoice", o)),
      ...live(objects, "CreditMemo").map((o) => documentEntry("CreditMemo", o)),
    ],
    payments: live(objects, "Payment").map(paymentEntry),
  };
}

/** Reads the whole mirror through its port and builds the snapshot (the port does the I/O). */
export async function readQboSnapshot(mirror: QboMirrorPort): Promise<QboSnapshot> {
  const objects = new Map<MirroredEntity, MirroredObject[]>();
  for (const entity of mirroredEntities) objects.set(entity, await mirror.listObjects(entity));
  return snapshotFromMirror(objects, await mirror.readPreferences());
}
