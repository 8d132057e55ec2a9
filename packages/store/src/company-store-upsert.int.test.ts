import type { Customer } from "@ledgerlink/core";
import { afterEach, describe, expect, it } from "vitest";
import { CompanyStore } from "./company-store.js";
import { openDatabase, type OpenDatabase } from "./open-database.js";
import { testDatabases } from "./test-databases.js";

const customer = (id: string, displayName: string): Customer => ({ id, displayName, active: true });

// Change tracking rides on updated_at: the sync re-queues what changed since it last looked.
describe.each(testDatabases())("upsertRecords and deleteRecords on $dialect", (database) => {
  let open: OpenDatabase | undefined;
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });
  const company = async () => {
    open = await openDatabase(database.fresh());
    await open.db.insertInto("companies").values({ id: "acme", name: "Acme", created_at: "t0" }).execute();
    return new CompanyStore(open.db, "acme");
  };
  const updatedAt = async () => {
    const rows = await open!.db
      .selectFrom("records")
      .select(["id", "updated_at", "deleted_at"])
      .orderBy("id")
      .execute();
    return Object.fromEntries(rows.map((r) => [r.id, [r.updated_at, r.deleted_at]]));
  };

  it("stamps created and changed records, leaves unchanged ones alone, and revives deleted ones", async () => {
    const s = await company();
    expect(
      await s.upsertCustomers([customer("1", "A"), customer("2", "B"), customer("3", "C")], "t1"),
    ).toEqual([
      { id: "1", status: "created" },
      { id: "2", status: "created" },
      { id: "3", status: "created" },
    ]);
    await s.deleteRecords("customer", ["3"], "t2");
    const again = await s.upsertCustomers(
      [customer("1", "A"), customer("2", "B changed"), customer("3", "C"), customer("4", "D")],
      "t3",
    );
    expect(again.map((r) => r.status)).toEqual(["unchanged", "updated", "updated", "created"]);
    expect(await updatedAt()).toEqual({
      "1": ["t1", null],
      "2": ["t3", null],
      "3": ["t3", null],
      "4": ["t3", null],
    });
    expect((await s.listCustomers()).map((c) => c.displayName)).toEqual(["A", "B changed", "C", "D"]);
  });

  it("writes chunk after chunk of a large batch in one call, reporting each record in order", async () => {
    const s = await company();
    const first = Array.from({ length: 2500 }, (_, i) => customer(String(i).padStart(5, "0"), `C ${i}`));
    expect(new Set((await s.upsertCustomers(first, "t1")).map((r) => r.status))).toEqual(
      new Set(["created"]),
    );
    const second = first.map((c, i) => (i % 1000 === 999 ? { ...c, displayName: `${c.displayName}!` } : c));
    const results = await s.upsertCustomers(second, "t2");
    expect(results.map((r) => r.id)).toEqual(second.map((c) => c.id));
    expect(results.filter((r) => r.status === "updated").map((r) => r.id)).toEqual(["00999", "01999"]);
    expect(results.filter((r) => r.status === "unchanged")).toHaveLength(2498);
  });

  it("refuses an id twice in one call and writes nothing of it", async () => {
    const s = await company();
    await expect(s.upsertCustomers([customer("1", "A"), customer("1", "B")], "t1")).rejects.toThrow(
      /customer id "1" appears twice/,
    );
    expect(await s.listCustomers()).toEqual([]);
  });

  it("deletes in bulk, answering per id, once per id", async () => {
    const s = await company();
    await s.upsertCustomers([customer("1", "A"), customer("2", "B")], "t1");
    expect(await s.deleteRecords("customer", ["1", "404", "1"], "t2")).toEqual([
      { id: "1", deleted: true },
      { id: "404", deleted: false },
      { id: "1", deleted: false },
    ]);
    expect(await s.deleteRecords("customer", ["1"], "t3")).toEqual([{ id: "1", deleted: false }]);
    expect(await updatedAt()).toEqual({ "1": ["t2", "t2"], "2": ["t1", null] });
    expect((await s.listCustomers()).map((c) => c.id)).toEqual(["2"]);
  });
});
