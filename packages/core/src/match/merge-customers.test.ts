import { describe, expect, it } from "vitest";
import { type MergeDataset, applyMergeJournal, planMerge, undoMerge } from "./merge-customers.js";

const data = (): MergeDataset => ({
  customers: [
    { id: "C1", displayName: "Acme Plumbing", email: "office@acme.com", active: true },
    {
      id: "C2",
      displayName: "ACME Plumbing Inc",
      phone: "415-555-0100",
      billingAddress: { line1: "1 Market St" },
      active: true,
    },
    { id: "C3", parentId: "C2", displayName: "Acme - Oak Site", active: true },
    { id: "C4", displayName: "Someone Else", active: true },
  ],
  invoices: [
    { id: "I1", customerId: "C2" },
    { id: "I2", customerId: "C4" },
    { id: "I3", customerId: "C2" },
  ],
  creditMemos: [{ id: "I1", customerId: "C2" }],
  payments: [{ id: "P1", customerId: "C2" }],
  links: [
    { localId: "C2", qboId: "57" },
    { localId: "C4", qboId: "60" },
  ],
});

describe("planMerge / undoMerge", () => {
  it("moves invoices, payments, children and the link to the survivor and removes the merged customer", () => {
    const before = data();
    const journal = planMerge(before, "C1", "C2");
    const after = applyMergeJournal(before, journal);
    expect(after.customers.map((c) => c.id)).toEqual(["C1", "C3", "C4"]);
    expect(after.customers[0]).toEqual({
      id: "C1",
      displayName: "Acme Plumbing",
      email: "office@acme.com",
      phone: "415-555-0100",
      billingAddress: { line1: "1 Market St" },
      active: true,
    });
    expect(after.customers.find((c) => c.id === "C3")!.parentId).toBe("C1");
    expect(after.invoices.map((i) => i.customerId)).toEqual(["C1", "C4", "C1"]);
    expect(after.payments[0]!.customerId).toBe("C1");
    // A credit memo may share an invoice's id; each kind is its own collection.
    expect(after.creditMemos).toEqual([{ id: "I1", customerId: "C1" }]);
    expect(after.links).toEqual([
      { localId: "C1", qboId: "57" },
      { localId: "C4", qboId: "60" },
    ]);
    expect(before).toEqual(data()); // planning and applying change nothing in place
  });

  it("restores every record, link and reference exactly on undo", () => {
    const before = data();
    const journal = planMerge(before, "C1", "C2");
    const restored = applyMergeJournal(applyMergeJournal(before, journal), undoMerge(journal));
    expect(restored).toEqual(before);
  });

  it("drops the merged link when the survivor has its own, reporting the QBO duplicate, and undoes that too", () => {
    const before = data();
    before.links.push({ localId: "C1", qboId: "58" });
    const journal = planMerge(before, "C1", "C2");
    expect(journal.qboDuplicates).toEqual(["57"]);
    const after = applyMergeJournal(before, journal);
    expect(after.links).toEqual([
      { localId: "C4", qboId: "60" },
      { localId: "C1", qboId: "58" },
    ]);
    expect(applyMergeJournal(after, undoMerge(journal))).toEqual(before);
  });

  it("refuses to apply over a change made since planning", () => {
    const before = data();
    const journal = planMerge(before, "C1", "C2");
    before.invoices[0] = { id: "I1", customerId: "C4" };
    expect(() => applyMergeJournal(before, journal)).toThrow(/invoices row I1 changed/);
  });

  it("rejects impossible merges naming the field", () => {
    expect(() => planMerge(data(), "C1", "C1")).toThrow(/field survivorId/);
    expect(() => planMerge(data(), "C9", "C1")).toThrow(/survivor customer C9 not found/);
    expect(() => planMerge(data(), "C3", "C2")).toThrow(/own sub-customer/);
  });
});
