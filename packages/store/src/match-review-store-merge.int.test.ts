import type { Customer } from "@ledgerlink/core";
import type { Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { CompanyStore } from "./company-store.js";
import { ReviewConflictError } from "./match-review-store-errors.js";
import { openDatabase } from "./open-database.js";
import type { Database } from "./schema.js";
import { testDatabases } from "./test-databases.js";

const customer = (id: string, displayName: string, extra: Partial<Customer> = {}): Customer => ({
  id,
  displayName,
  active: true,
  ...extra,
});
const invoice = (id: string, customerId: string) => ({
  id,
  docNumber: `INV-${id}`,
  customerId,
  txnDate: "2026-11-01",
  lines: [{ qty: "1", unitPrice: "95.00", amount: 9500 }],
});
const payment = (id: string, customerId: string) => ({
  id,
  customerId,
  amount: 9500,
  txnDate: "2026-11-02",
  reference: `CHK-${id}`,
  appliedTo: [{ invoiceId: "I1", amount: 9500 }],
});

async function refusal(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a refusal, but the action succeeded");
}

describe.each(testDatabases())("customer merge and undo on $dialect", (database) => {
  let db: Kysely<Database> | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  /** Every stored column of the company's records and links, as one string: byte-for-byte comparable. */
  const snapshot = async (company: string): Promise<string> =>
    JSON.stringify({
      records: await db!
        .selectFrom("records")
        .selectAll()
        .where("company_id", "=", company)
        .orderBy("kind")
        .orderBy("id")
        .execute(),
      links: await db!
        .selectFrom("links")
        .selectAll()
        .where("company_id", "=", company)
        .orderBy("entity")
        .orderBy("local_id")
        .execute(),
    });

  const open = async () => {
    db = (await openDatabase(database.fresh())).db;
    for (const id of ["acme", "other"])
      await db.insertInto("companies").values({ id, name: id, created_at: "t0" }).execute();
    for (const id of ["acme", "other"]) {
      const s = new CompanyStore(db, id);
      await s.upsertCustomers(
        [
          customer("C1", "Acme Plumbing", { email: "office@acme.com" }),
          customer("C2", "ACME Plumbing Inc", {
            phone: "415-555-0100",
            billingAddress: { line1: "1 Market St", postalCode: "94105" },
          }),
          customer("C3", "Acme - Oak Site", { parentId: "C2" }),
          customer("C5", "Acme - Old Site", { parentId: "C2" }),
          customer("C4", "Someone Else"),
        ],
        "2026-01-01T00:00:00.000Z",
      );
      await s.deleteRecords("customer", ["C5"], "2026-01-02T00:00:00.000Z");
      await s.upsertRecords("invoice", [invoice("I1", "C2"), invoice("I2", "C4")] as never, "t1");
      // A credit memo with the same id as an invoice: kinds are kept apart.
      await s.upsertRecords("creditMemo", [invoice("I1", "C2")] as never, "t1");
      await s.upsertRecords("payment", [payment("P1", "C2")] as never, "t1");
      await s.saveCustomerLink({
        localId: "C2",
        qboId: "57",
        syncToken: "3",
        fingerprint: "fp-c2",
        lastSyncedAt: "t1",
      });
      await s.saveCustomerLink({
        localId: "C4",
        qboId: "60",
        syncToken: "0",
        fingerprint: "fp-c4",
        lastSyncedAt: "t1",
      });
    }
    return new CompanyStore(db, "acme");
  };

  it("merges in one go (children, invoices, credit memos, payments and the link move) and undoes exactly", async () => {
    const company = await open();
    const before = await snapshot("acme");
    const otherBefore = await snapshot("other");

    const merged = await company.review.mergeCustomers({
      survivorId: "C1",
      mergedId: "C2",
      actor: "ann",
      at: "2026-02-01T00:00:00.000Z",
    });
    expect(merged.qboDuplicates).toEqual([]);
    expect(new Set(merged.changed)).toEqual(
      new Set(["C:C1", "C:C2", "C:C3", "C:C5", "INV:I1", "CM:I1", "PMT:P1"]),
    );

    const customers = await company.listCustomers();
    expect(customers.map((c) => c.id)).toEqual(["C1", "C3", "C4"]);
    expect(customers[0]).toEqual(
      customer("C1", "Acme Plumbing", {
        email: "office@acme.com",
        phone: "415-555-0100",
        billingAddress: { line1: "1 Market St", postalCode: "94105" },
      }),
    );
    const rows = await db!
      .selectFrom("records")
      .select(["kind", "id", "parent_id", "data", "updated_at"])
      .where("company_id", "=", "acme")
      .where("kind", "in", ["customer", "invoice", "creditMemo", "payment"])
      .orderBy("kind")
      .orderBy("id")
      .execute();
    const byRef = new Map(rows.map((r) => [`${r.kind}:${r.id}`, r]));
    // Both the JSON and the indexed column point at the survivor, deleted sub-customers included.
    for (const key of ["customer:C3", "customer:C5"]) {
      expect(byRef.get(key)!.parent_id).toBe("C1");
      expect(JSON.parse(byRef.get(key)!.data).parentId).toBe("C1");
    }
    for (const key of ["invoice:I1", "creditMemo:I1", "payment:P1"]) {
      expect(byRef.get(key)!.parent_id).toBe("C1");
      expect(JSON.parse(byRef.get(key)!.data).customerId).toBe("C1");
      expect(byRef.get(key)!.updated_at).toBe("2026-02-01T00:00:00.000Z");
    }
    expect(byRef.get("invoice:I2")!.parent_id).toBe("C4");
    expect(byRef.has("customer:C2")).toBe(false);
    const links = await company.listCustomerLinks();
    expect([...links.values()].map((l) => [l.localId, l.qboId, l.syncToken, l.fingerprint])).toEqual(
      expect.arrayContaining([
        ["C1", "57", "3", "fp-c2"],
        ["C4", "60", "0", "fp-c4"],
      ]),
    );
    expect(links.has("C2")).toBe(false);
    expect(await company.listAudit()).toEqual([
      expect.objectContaining({ ref: "C:C1", action: "customer.merged", actor: "ann" }),
    ]);
    expect(await snapshot("other")).toBe(otherBefore);

    const undone = await company.review.undoMerge(merged.mergeId, "bob", "2026-02-02T00:00:00.000Z");
    expect(new Set(undone.restored)).toEqual(new Set(merged.changed));
    expect(await snapshot("acme")).toBe(before);
    expect(await snapshot("other")).toBe(otherBefore);
    expect(await company.review.listMerges()).toEqual([
      expect.objectContaining({
        mergeId: merged.mergeId,
        undoneBy: "bob",
        undoneAt: "2026-02-02T00:00:00.000Z",
      }),
    ]);

    const twice = await refusal(company.review.undoMerge(merged.mergeId, "bob"));
    expect(twice).toBeInstanceOf(ReviewConflictError);
    expect(twice).toMatchObject({ name: "ReviewConflictError", reason: "merge-undone", ref: "C:C1" });
    expect(twice.message).toMatch(/already undone by bob/);
    expect(await snapshot("acme")).toBe(before);
    expect((await company.listAudit()).map((a) => a.action)).toEqual([
      "customer.merge-undone",
      "customer.merged",
    ]);
  });

  it("drops the merged link when the survivor has its own, reports the QBO duplicate, and undoes that too", async () => {
    const company = await open();
    await company.saveCustomerLink({
      localId: "C1",
      qboId: "58",
      syncToken: "1",
      fingerprint: "fp-c1",
      lastSyncedAt: "t1",
    });
    const before = await snapshot("acme");
    const merged = await company.review.mergeCustomers({ survivorId: "C1", mergedId: "C2", actor: "ann" });
    expect(merged.qboDuplicates).toEqual(["57"]);
    const links = await company.listCustomerLinks();
    expect(links.get("C1")?.qboId).toBe("58");
    expect([...links.values()].some((l) => l.qboId === "57")).toBe(false);
    // The dropped QBO customer can now be marked inactive.
    await company.review.markQboInactive({ qboId: "57", duplicateOf: "C1", actor: "ann" });

    await company.review.undoMerge(merged.mergeId, "ann");
    expect(await snapshot("acme")).toBe(before);
  });

  it("refuses to undo over a change made since the merge, leaving everything as it was", async () => {
    const company = await open();
    const merged = await company.review.mergeCustomers({ survivorId: "C1", mergedId: "C2", actor: "ann" });
    // The app edits the moved invoice after the merge.
    await company.upsertRecords(
      "invoice",
      [{ ...invoice("I1", "C1"), docNumber: "INV-I1-B" }] as never,
      "t9",
    );
    const afterChange = await snapshot("acme");
    const refused = await refusal(company.review.undoMerge(merged.mergeId, "ann"));
    expect(refused).toBeInstanceOf(ReviewConflictError);
    expect(refused).toMatchObject({ reason: "changed-since", ref: "INV:I1" });
    expect(await snapshot("acme")).toBe(afterChange);
    expect((await company.review.listMerges())[0]!.undoneAt).toBeUndefined();

    // The app sends the merged customer again: undoing would collide with it, so it is refused too.
    await company.upsertRecords("invoice", [invoice("I1", "C1")] as never, "t10");
    await company.upsertCustomers([customer("C2", "ACME Plumbing Inc")], "t10");
    const revived = await refusal(company.review.undoMerge(merged.mergeId, "ann"));
    expect(revived).toMatchObject({ name: "ReviewConflictError", reason: "changed-since" });
  });

  it("refuses impossible merges naming the field and record, writing nothing", async () => {
    const company = await open();
    const before = await snapshot("acme");
    const self = await refusal(
      company.review.mergeCustomers({ survivorId: "C1", mergedId: "C1", actor: "ann" }),
    );
    expect(self).toMatchObject({ name: "ReviewInputError", field: "survivorId", ref: "C:C1" });
    const missing = await refusal(
      company.review.mergeCustomers({ survivorId: "C9", mergedId: "C1", actor: "ann" }),
    );
    expect(missing).toMatchObject({ name: "ReviewNotFoundError", field: "survivorId", ref: "C:C9" });
    const deleted = await refusal(
      company.review.mergeCustomers({ survivorId: "C1", mergedId: "C5", actor: "ann" }),
    );
    expect(deleted).toMatchObject({ name: "ReviewNotFoundError", field: "mergedId", ref: "C:C5" });
    const intoChild = await refusal(
      company.review.mergeCustomers({ survivorId: "C3", mergedId: "C2", actor: "ann" }),
    );
    expect(intoChild).toMatchObject({ name: "ReviewInputError", field: "survivorId", ref: "C:C3" });
    expect(intoChild.message).toMatch(/own sub-customer/);
    const noMerge = await refusal(company.review.undoMerge("nope", "ann"));
    expect(noMerge).toMatchObject({ name: "ReviewNotFoundError", field: "mergeId" });
    expect(await snapshot("acme")).toBe(before);
    expect(await company.listAudit()).toEqual([]);
  });
});
