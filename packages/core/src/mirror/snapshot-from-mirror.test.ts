import { describe, expect, it } from "vitest";
import {
  QboMirrorDataError,
  compareSyncTokens,
  isNewerVersion,
  mirroredObjectFrom,
  normalizeQboTime,
  type MirroredEntity,
  type MirroredObject,
} from "./qbo-mirror.js";
import { snapshotFromMirror } from "./snapshot-from-mirror.js";

const meta = { CreateTime: "2026-01-05T10:00:00-08:00", LastUpdatedTime: "2026-01-05T10:00:00-08:00" };
const wire = (Id: string, fields: Record<string, unknown>) => ({
  Id,
  SyncToken: "0",
  MetaData: meta,
  ...fields,
});
const mirror = (entries: [MirroredEntity, Record<string, unknown>[]][]) =>
  new Map<MirroredEntity, MirroredObject[]>(
    entries.map(([entity, list]) => [entity, list.map((w) => mirroredObjectFrom(entity, w))]),
  );

describe("mirroredObjectFrom", () => {
  it("reads id, version, activity and the UTC time off the wire JSON, keeping the JSON whole", () => {
    const w = wire("58", { DisplayName: "Harbor Dental (deleted)", Active: false, SyncToken: "3" });
    expect(mirroredObjectFrom("Customer", w)).toEqual({
      entity: "Customer",
      id: "58",
      syncToken: "3",
      active: false,
      lastUpdated: "2026-01-05T18:00:00.000Z",
      deleted: false,
      data: w,
    });
    // Transactions have no Active: they are active until deleted.
    expect(mirroredObjectFrom("Invoice", wire("1", { Active: false })).active).toBe(true);
  });

  it("names the entity, id and field of an object it cannot read", () => {
    expect(() => mirroredObjectFrom("Invoice", { SyncToken: "0" })).toThrow(
      new QboMirrorDataError("Invoice", undefined, "Id", "is missing or not a string"),
    );
    expect(() => mirroredObjectFrom("Customer", { Id: "5", SyncToken: "0", MetaData: {} })).toThrow(
      "QBO Customer 5: field MetaData.LastUpdatedTime is missing or not a date-time",
    );
  });
});

describe("versions", () => {
  it("compares times across UTC offsets, webhook offsets without a colon included", () => {
    expect(normalizeQboTime("2026-11-01T01:30:00-07:00")).toBe("2026-11-01T08:30:00.000Z");
    expect(normalizeQboTime("2015-10-05T14:42:19-0700")).toBe("2015-10-05T21:42:19.000Z");
    expect(normalizeQboTime("yesterday")).toBeUndefined();
  });

  it("orders by time, then by SyncToken as a number", () => {
    expect(compareSyncTokens("10", "9")).toBeGreaterThan(0);
    expect(compareSyncTokens("9", "9")).toBe(0);
    const v = (lastUpdated: string, syncToken: string) => ({ lastUpdated, syncToken });
    expect(isNewerVersion(v("2026-01-02", "0"), v("2026-01-01", "7"))).toBe(true);
    expect(isNewerVersion(v("2026-01-01", "10"), v("2026-01-01", "9"))).toBe(true);
    expect(isNewerVersion(v("2026-01-01", "9"), v("2026-01-01", "9"))).toBe(false);
  });
});

describe("snapshotFromMirror", () => {
  it("turns the mirror into what validation reads: names, money in minor units, dates, the closing date", () => {
    const objects = mirror([
      [
        "Customer",
        [
          wire("200", { DisplayName: "Big Duplicating Co.", Active: true }),
          wire("204", { DisplayName: "Harbor Dental (deleted)", Active: false }),
          wire("206", { DisplayName: "Unit 4B", ParentRef: { value: "205" }, Level: 1, Job: true }),
        ],
      ],
      ["Vendor", [wire("300", { DisplayName: "Rivera Landscaping" })]],
      ["Employee", [wire("400", { DisplayName: "Dana Lee", Active: false })]],
      [
        "Item",
        [
          wire("100", { Name: "Labor", Type: "Service", IncomeAccountRef: { value: "5" } }),
          wire("101", { Name: "Copper Pipe", Type: "NonInventory", Sku: "CP-12", Active: false }),
        ],
      ],
      [
        "Account",
        [
          wire("1", { Name: "Accounts Receivable (A/R)", AccountType: "Accounts Receivable" }),
          wire("9", { Name: "Fuel", FullyQualifiedName: "Auto:Fuel", AccountType: "Expense" }),
        ],
      ],
      ["TaxCode", [wire("TAX", { Name: "TAX", Active: true })]],
      [
        "Invoice",
        [
          wire("500", {
            DocNumber: "1001",
            CustomerRef: { value: "200" },
            TotalAmt: 190,
            Balance: 0.1,
            TxnDate: "2025-12-15",
          }),
          wire("502", { CustomerRef: { value: "201" }, TotalAmt: 19.99, TxnDate: "2026-01-11" }),
        ],
      ],
      [
        "CreditMemo",
        [
          wire("700", {
            DocNumber: "CM-1",
            CustomerRef: { value: "200" },
            TotalAmt: 20,
            TxnDate: "2026-01-12",
          }),
        ],
      ],
      [
        "Payment",
        [
          wire("600", {
            CustomerRef: { value: "201" },
            TotalAmt: 50,
            TxnDate: "2026-01-20",
            PaymentRefNum: "chk 12",
          }),
        ],
      ],
    ]);
    // A deleted invoice is gone from QBO: its number is free again.
    objects
      .get("Invoice")!
      .push({ ...mirroredObjectFrom("Invoice", wire("501", { DocNumber: "X" })), deleted: true });

    const snapshot = snapshotFromMirror(objects, {
      SalesFormsPrefs: { CustomTxnNumbers: true },
      AccountingInfoPrefs: { BookCloseDate: "2025-12-31" },
    });
    expect(snapshot).toEqual({
      customers: [
        { id: "200", displayName: "Big Duplicating Co.", active: true },
        { id: "204", displayName: "Harbor Dental (deleted)", active: false },
        { id: "206", displayName: "Unit 4B", active: true, parentId: "205", level: 1 },
      ],
      vendors: [{ id: "300", displayName: "Rivera Landscaping", active: true }],
      employees: [{ id: "400", displayName: "Dana Lee", active: false }],
      items: [
        { id: "100", name: "Labor", type: "Service", active: true, incomeAccountId: "5" },
        { id: "101", name: "Copper Pipe", type: "NonInventory", active: false, sku: "CP-12" },
      ],
      accounts: [
        {
          id: "1",
          name: "Accounts Receivable (A/R)",
          fullyQualifiedName: "Accounts Receivable (A/R)",
          accountType: "Accounts Receivable",
          active: true,
        },
        { id: "9", name: "Fuel", fullyQualifiedName: "Auto:Fuel", accountType: "Expense", active: true },
      ],
      taxCodes: [{ id: "TAX", name: "TAX", active: true }],
      preferences: { customTxnNumbers: true },
      closingDate: "2025-12-31",
      documents: [
        {
          type: "Invoice",
          id: "500",
          docNumber: "1001",
          customerId: "200",
          total: 19_000,
          txnDate: "2025-12-15",
          balance: 10,
        },
        { type: "Invoice", id: "502", customerId: "201", total: 1999, txnDate: "2026-01-11" },
        {
          type: "CreditMemo",
          id: "700",
          docNumber: "CM-1",
          customerId: "200",
          total: 2000,
          txnDate: "2026-01-12",
        },
      ],
      payments: [{ id: "600", customerId: "201", total: 5000, txnDate: "2026-01-20", reference: "chk 12" }],
    });
  });

  it("reads QBO's own numbering and open books from Preferences, and assumes an empty company without them", () => {
    expect(snapshotFromMirror(new Map(), { SalesFormsPrefs: { CustomTxnNumbers: false } })).toMatchObject({
      preferences: { customTxnNumbers: false },
    });
    expect(snapshotFromMirror(new Map(), { SalesFormsPrefs: {} }).closingDate).toBeUndefined();
    expect(snapshotFromMirror(new Map(), undefined).preferences).toEqual({ customTxnNumbers: true });
  });

  it("refuses malformed QBO data, naming the object and field", () => {
    const bad = mirror([
      ["Invoice", [wire("9", { CustomerRef: { value: "1" }, TotalAmt: "12.00", TxnDate: "2026-01-01" })]],
    ]);
    expect(() => snapshotFromMirror(bad, undefined)).toThrow(
      "QBO Invoice 9: field TotalAmt is not an amount",
    );
    const noCustomer = mirror([["Payment", [wire("3", { TotalAmt: 1, TxnDate: "2026-01-01" })]]]);
    expect(() => snapshotFromMirror(noCustomer, undefined)).toThrow(
      "QBO Payment 3: field CustomerRef is missing",
    );
    expect(() =>
      snapshotFromMirror(new Map(), { AccountingInfoPrefs: { BookCloseDate: "31/12/2025" } }),
    ).toThrow("field AccountingInfoPrefs.BookCloseDate is not a date");
  });
});
