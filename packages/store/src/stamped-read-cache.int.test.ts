import type { ErrorCategory, Finding, RecordRef } from "@ledgerlink/core";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseConfig, type OpenDatabase } from "./open-database.js";
import { changeStamp, readUnlessChanged } from "./stamped-read-cache.js";
import { openStore, type Store } from "./store.js";
import { testDatabases } from "./test-databases.js";

const at = "2026-11-01T00:00:00.000Z";

// Kept reads must never be stale: each write below (by this store, or by another connection as a CLI
// process beside the server would make) is followed by a read that must see it.
describe.each(testDatabases())("reads kept until the database changes ($dialect)", (database) => {
  const open: (Store | OpenDatabase)[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });
  const storeOn = async (config: DatabaseConfig) => {
    const s = await openStore(config);
    open.push(s);
    await s.ensureCompany("acme", "Acme Plumbing");
    return s;
  };

  it("status counts follow this store's own writes", async () => {
    const s = (await storeOn(database.fresh())).company("acme");
    expect(await s.counts()).toEqual({ customers: 0, linkedCustomers: 0, openErrors: 0 });
    await s.upsertCustomers(
      [
        { id: "1", displayName: "Big Co", active: true },
        { id: "2", displayName: "Small Co", active: true },
      ],
      at,
    );
    expect(await s.counts()).toEqual({ customers: 2, linkedCustomers: 0, openErrors: 0 });
    await s.saveCustomerLink({
      localId: "1",
      qboId: "58",
      syncToken: "0",
      fingerprint: "f",
      lastSyncedAt: at,
    });
    expect(await s.counts()).toEqual({ customers: 2, linkedCustomers: 1, openErrors: 0 });
    const run = await s.startRun(at);
    await s.recordError({
      runId: run.id,
      ref: "C:2",
      localId: "2",
      failure: { category: "duplicate", code: "6240", message: "Duplicate Name Exists Error" },
    });
    expect(await s.counts()).toEqual({ customers: 2, linkedCustomers: 1, openErrors: 1 });
    await s.resolveErrors("2", at);
    await s.deleteRecords("customer", ["2"], at);
    expect(await s.counts()).toEqual({ customers: 1, linkedCustomers: 1, openErrors: 0 });
  });

  it("status counts follow another connection's writes (a CLI sync beside the server)", async () => {
    const config = database.fresh();
    const server = (await storeOn(config)).company("acme");
    const cli = (await storeOn(config)).company("acme");
    expect(await server.counts()).toEqual({ customers: 0, linkedCustomers: 0, openErrors: 0 });
    await cli.upsertCustomers([{ id: "1", displayName: "Big Co", active: true }], at);
    expect(await server.counts()).toEqual({ customers: 1, linkedCustomers: 0, openErrors: 0 });
    await cli.deleteRecords("customer", ["1"], at);
    expect(await server.counts()).toEqual({ customers: 0, linkedCustomers: 0, openErrors: 0 });
  });

  it("open-problem counts on the Errors view follow writes, this store's and another connection's", async () => {
    const config = database.fresh();
    const server = (await storeOn(config)).company("acme");
    const cli = (await storeOn(config)).company("acme");
    const finding = (ref: RecordRef, category: ErrorCategory): Finding => ({
      ref,
      category,
      severity: "blocks",
      message: `A problem with ${ref}`,
      rule: { id: `test.${category}`, text: "A rule QBO enforces.", source: "test" },
      fixes: [],
    });
    const errorsView = async (filter: { category?: string } = {}) => {
      const page = await server.api.problems.list(filter, { limit: 10 });
      return { groups: page.groups, total: page.total, refs: page.items.map((p) => p.ref) };
    };
    expect(await errorsView()).toEqual({ groups: [], total: 0, refs: [] });
    await server.sync.replaceFindings("run-1", [finding("C:1", "mapping")], at);
    expect(await errorsView()).toEqual({
      groups: [{ category: "mapping", count: 1 }],
      total: 1,
      refs: ["C:1"],
    });
    expect(await errorsView({ category: "mapping" })).toEqual({
      groups: [{ category: "mapping", count: 1 }],
      total: 1,
      refs: ["C:1"],
    });
    await cli.sync.replaceFindings("run-2", [finding("C:1", "mapping"), finding("C:2", "mapping")], at);
    expect(await errorsView({ category: "mapping" })).toEqual({
      groups: [{ category: "mapping", count: 2 }],
      total: 2,
      refs: expect.arrayContaining(["C:1", "C:2"]) as string[],
    });
    const open = await server.api.problems.list({}, { limit: 10 });
    await server.api.problems.resolve(
      open.items.filter((p) => p.ref === "C:1").map((p) => p.id),
      at,
    );
    expect(await errorsView()).toEqual({
      groups: [{ category: "mapping", count: 1 }],
      total: 1,
      refs: ["C:2"],
    });
    await cli.sync.replaceFindings("run-3", [], at);
    expect(await errorsView({ category: "mapping" })).toEqual({ groups: [], total: 0, refs: [] });
  });

  it("computes again after any write, committed or rolled back, and only then", async () => {
    const o = await openDatabase(database.fresh());
    open.push(o);
    await o.db.insertInto("companies").values({ id: "acme", name: "Acme", created_at: at }).execute();
    let computed = 0;
    const companies = () =>
      readUnlessChanged(o.db, "companies", async () => {
        computed++;
        return (await o.db.selectFrom("companies").select("id").execute()).map((r) => r.id);
      });
    expect(await companies()).toEqual(["acme"]);
    expect(await companies()).toEqual(["acme"]);
    // PostgreSQL has no cheap change token: it reads every time; SQLite reads once until a write.
    expect(computed).toBe(database.dialect === "sqlite" ? 1 : 2);

    await o.db.insertInto("companies").values({ id: "beta", name: "Beta", created_at: at }).execute();
    expect(await companies()).toEqual(["acme", "beta"]);
    await expect(
      o.db.transaction().execute(async (trx) => {
        await trx.deleteFrom("companies").where("id", "=", "beta").execute();
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await companies()).toEqual(["acme", "beta"]);
    // What a caller does to its answer does not change what the next caller gets.
    (await companies()).push("mutated");
    expect(await companies()).toEqual(["acme", "beta"]);
  });

  it("the change stamp moves on a write of this connection or of another, and not on a read", async () => {
    const config = database.fresh();
    const a = await openDatabase(config);
    const b = await openDatabase(config);
    open.push(a, b);
    if (database.dialect === "postgres") {
      expect(await changeStamp(a.db)).toBeNull();
      return;
    }
    const s0 = await changeStamp(a.db);
    await sql`select count(*) from companies`.execute(a.db);
    expect(await changeStamp(a.db)).toBe(s0);
    await a.db.insertInto("companies").values({ id: "acme", name: "Acme", created_at: at }).execute();
    const s1 = await changeStamp(a.db);
    expect(s1).not.toBe(s0);
    await b.db.insertInto("companies").values({ id: "beta", name: "Beta", created_at: at }).execute();
    const s2 = await changeStamp(a.db);
    expect(s2).not.toBe(s1);
    expect(await changeStamp(a.db)).toBe(s2);
  });
});
