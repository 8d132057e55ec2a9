import { describe, expect, it } from "vitest";
import type { Customer } from "../customer.js";
import { parseRecords } from "./parse-records.js";

describe("parseRecords", () => {
  it("accepts a customer with name parts and builds the display name the way QBO does", () => {
    const { ok, rejected } = parseRecords("customer", [
      { id: 1042, givenName: "Ann", familyName: "Lee", email: "ann@example.com", active: "yes", notes: "" },
    ]);
    expect(rejected).toEqual([]);
    const expected: Customer = {
      id: "1042",
      displayName: "Ann Lee",
      givenName: "Ann",
      familyName: "Lee",
      email: "ann@example.com",
      active: true,
    };
    expect(ok).toEqual([expected]);
    // Blank optional cells are absent, not undefined-valued keys.
    expect(Object.keys(ok[0]!)).not.toContain("notes");
  });

  it("names the record and the field for every rejection, and keeps the good rows", () => {
    const { ok, okIndexes, rejected } = parseRecords("customer", [
      { id: "1", displayName: "Good Co" },
      { id: "2" },
      { id: "3", displayName: 42, active: "maybe" },
      { id: "4", displayName: "Typo", emial: "x@y.z" },
      "not an object",
      { displayName: "No Id" },
    ]);
    expect(ok.map((c) => c.id)).toEqual(["1"]);
    expect(okIndexes).toEqual([0]);
    expect(rejected.map((r) => [r.index, r.ref, r.field])).toEqual([
      [1, "C:2", "displayName"],
      [2, "C:3", "displayName"],
      [3, "C:4", "emial"],
      [4, undefined, "(record)"],
      [5, undefined, "id"],
    ]);
    expect(rejected[0]!.message).toBe(
      "C:2: displayName is required: give a display name, a person's name or a company name",
    );
    expect(rejected[1]!.issues.map((i) => i.field)).toEqual(["displayName", "active"]);
    expect(rejected[2]!.message).toContain("is not a field of a customer");
    expect(rejected[3]!.message).toMatch(/^row 4: \(record\) must be an object/);
  });

  it("refuses text holding half a character (an unpaired UTF-16 surrogate), naming the field", () => {
    // Found by the ingest fuzzer: JSON allows "\ud800", PostgreSQL refused it and the API answered 500.
    const { ok, rejected } = parseRecords("customer", [
      { id: "\ud800", displayName: "Ica" },
      { id: "7", displayName: "Bad \udc00 tail" },
      { id: "8", displayName: "Paired 😀 is fine" },
    ]);
    expect(ok.map((c) => c.id)).toEqual(["8"]);
    expect(rejected.map((r) => [r.index, r.field])).toEqual([
      [0, "id"],
      [1, "displayName"],
    ]);
    expect(rejected[1]!.message).toContain("unpaired UTF-16 surrogate");
  });

  it("refuses text holding a NUL character, naming the field", () => {
    // Found by the ingest fuzzer: JSON allows "\u0000", PostgreSQL refused it and the API answered 500.
    const { ok, rejected } = parseRecords("customer", [
      { id: "\u0000", displayName: "Nul id" },
      { id: "7", displayName: "Nul\u0000name" },
      { id: "8", displayName: "Fine" },
    ]);
    expect(ok.map((c) => c.id)).toEqual(["8"]);
    expect(rejected.map((r) => [r.index, r.field])).toEqual([
      [0, "id"],
      [1, "displayName"],
    ]);
    expect(rejected[1]!.message).toContain("NUL character");
  });

  it("rejects every row of an id sent more than once in the batch, and keeps the others", () => {
    const { ok, rejected } = parseRecords("item", [
      { id: "A", name: "Labor" },
      { id: "B", name: "Parts" },
      { id: " A", name: "Labour" },
      { id: 7, name: "Travel" },
      { id: "7", type: "Bundle" },
    ]);
    expect(ok.map((i) => i.id)).toEqual(["B"]);
    expect(rejected.map((r) => [r.index, r.ref, r.field])).toEqual([
      [0, "ITEM:A", "id"],
      [2, "ITEM:A", "id"],
      [3, "ITEM:7", "id"],
      [4, "ITEM:7", "id"],
    ]);
    expect(rejected[0]!.message).toBe(
      "ITEM:A: id appears 2 times in this batch (rows 0 and 2); none of them is stored: send one record per id",
    );
    // A duplicate that is also invalid reports both problems.
    expect(rejected[3]!.issues.map((i) => i.field)).toEqual(["id", "name", "type"]);
  });

  it("keeps money exact and refuses amounts it would have to round", () => {
    const { ok, rejected } = parseRecords("payment", [
      {
        id: "P1",
        customerId: "1",
        amount: "0.30",
        txnDate: "2024-05-01",
        appliedTo: [{ invoiceId: "7", amount: 0.1 }],
      },
      { id: "P2", customerId: "1", amount: 12.345, txnDate: "2024-05-01" },
      { id: "P3", customerId: "1", amount: "1e3", txnDate: "2024-05-01" },
    ]);
    expect(ok).toEqual([
      {
        id: "P1",
        customerId: "1",
        amount: 30,
        txnDate: "2024-05-01",
        appliedTo: [{ invoiceId: "7", amount: 10 }],
      },
    ]);
    expect(rejected.map((r) => [r.ref, r.field])).toEqual([
      ["PMT:P2", "amount"],
      ["PMT:P3", "amount"],
    ]);
    expect(rejected[0]!.message).toContain("at most 2 decimal places");
  });

  it("takes calendar dates only, and real ones", () => {
    const rows = ["2024-02-29", "2023-02-29", "2024-13-01", "03/31/2024", "2024-03-31T10:00:00Z"].map(
      (txnDate, i) => ({ id: `P${i}`, customerId: "1", amount: "1", txnDate }),
    );
    const { ok, rejected } = parseRecords("payment", rows);
    expect(ok.map((p) => p.txnDate)).toEqual(["2024-02-29"]);
    expect(rejected.every((r) => r.field === "txnDate")).toBe(true);
    expect(rejected).toHaveLength(4);
  });

  it("parses invoice lines with exact quantities and prices, and points at the bad line", () => {
    const { ok, rejected } = parseRecords("invoice", [
      {
        id: "77",
        docNumber: "1001",
        customerId: "1042",
        txnDate: "2024-04-02",
        lines: [
          { itemId: "12", qty: "1.50", unitPrice: 19.99, taxCode: "TAX" },
          { description: "Call-out", unitPrice: "45", amount: "45.00" },
        ],
      },
      { id: "78", customerId: "1042", txnDate: "2024-04-02", lines: [{ qty: "two", unitPrice: "1" }] },
      { id: "79", customerId: "1042", txnDate: "2024-04-02", lines: [] },
    ]);
    expect(ok[0]!.lines).toEqual([
      { itemId: "12", qty: "1.5", unitPrice: "19.99", taxCode: "TAX" },
      { description: "Call-out", qty: "1", unitPrice: "45", amount: 4500 },
    ]);
    expect(rejected.map((r) => [r.ref, r.field])).toEqual([
      ["INV:78", "lines[0].qty"],
      ["INV:79", "lines"],
    ]);
  });

  it("parses items and credit memos, defaulting type and active", () => {
    const items = parseRecords("item", [{ id: 12, name: "Labor", sku: "LAB-1", unitPrice: "85", type: "" }]);
    expect(items.ok).toEqual([
      { id: "12", name: "Labor", sku: "LAB-1", unitPrice: "85", type: "Service", active: true },
    ]);
    const bad = parseRecords("item", [{ id: 13, name: "Kit", type: "Bundle" }]);
    expect(bad.rejected[0]!.field).toBe("type");
    const memos = parseRecords("creditMemo", [
      {
        id: "5",
        customerId: "1",
        txnDate: "2024-01-01",
        lines: [{ unitPrice: "10" }],
        dueDate: "2024-02-01",
      },
    ]);
    expect(memos.rejected[0]!.field).toBe("dueDate");
  });
});
