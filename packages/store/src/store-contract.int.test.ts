import type { Customer } from "@ledgerlink/core";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./store.js";
import { testDatabases } from "./test-databases.js";

const customer = (id: string, displayName: string, extra: Partial<Customer> = {}): Customer => ({
  id,
  displayName,
  active: true,
  ...extra,
});

// One contract, every dialect: the same assertions run on SQLite and PostgreSQL.
describe.each(testDatabases())("store contract on $dialect", (database) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  const open = async () => {
    store = await openStore(database.fresh());
    await store.ensureCompany("acme", "Acme Plumbing");
    await store.ensureCompany("other", "Other Co");
    return store;
  };

  it("upserts customers idempotently by the app's id", async () => {
    const s = (await open()).company("acme");
    const first = await s.upsertCustomers(
      [customer("1", "Big Co"), customer("2", "Site", { parentId: "1" })],
      "t1",
    );
    expect(first.map((r) => r.status)).toEqual(["created", "created"]);
    const again = await s.upsertCustomers(
      [customer("1", "Big Co"), customer("2", "Site B", { parentId: "1" })],
      "t2",
    );
    expect(again.map((r) => r.status)).toEqual(["unchanged", "updated"]);
    const listed = await s.listCustomers();
    expect(listed).toEqual([customer("1", "Big Co"), customer("2", "Site B", { parentId: "1" })]);
  });

  it("scopes every read to its company", async () => {
    const st = await open();
    await st.company("acme").upsertCustomers([customer("1", "Acme's customer")], "t");
    await st.company("other").upsertCustomers([customer("1", "Other's customer")], "t");
    expect((await st.company("acme").listCustomers()).map((c) => c.displayName)).toEqual(["Acme's customer"]);
    expect((await st.company("other").listCustomers()).map((c) => c.displayName)).toEqual([
      "Other's customer",
    ]);
  });

  it("keeps links one-to-one with QBO records", async () => {
    const s = (await open()).company("acme");
    await s.saveCustomerLink({
      localId: "1",
      qboId: "58",
      syncToken: "0",
      fingerprint: "f",
      lastSyncedAt: "t",
    });
    await s.saveCustomerLink({
      localId: "1",
      qboId: "58",
      syncToken: "1",
      fingerprint: "g",
      lastSyncedAt: "t2",
    });
    expect((await s.listCustomerLinks()).get("1")).toMatchObject({
      qboId: "58",
      syncToken: "1",
      fingerprint: "g",
    });
    await expect(
      s.saveCustomerLink({ localId: "2", qboId: "58", syncToken: "0", fingerprint: "f", lastSyncedAt: "t" }),
    ).rejects.toThrow();
  });

  it("records runs, open errors until resolved, audit entries and counts", async () => {
    const s = (await open()).company("acme");
    await s.upsertCustomers([customer("1", "Big Co")], "t");
    const run = await s.startRun("2026-01-01T00:00:00.000Z");
    await s.recordError({
      runId: run.id,
      ref: "C:1",
      localId: "1",
      failure: { category: "duplicate", code: "6240", message: "Duplicate Name Exists Error" },
    });
    run.failed = 1;
    run.status = "failed";
    run.finishedAt = "2026-01-01T00:00:01.000Z";
    await s.finishRun(run);
    expect(await s.listRuns()).toEqual([
      expect.objectContaining({ id: run.id, status: "failed", failed: 1 }),
    ]);
    expect(await s.listOpenErrors()).toEqual([
      expect.objectContaining({ ref: "C:1", code: "6240", category: "duplicate" }),
    ]);
    expect(await s.counts()).toEqual({ customers: 1, linkedCustomers: 0, openErrors: 1 });
    await s.resolveErrors("1", "2026-01-02T00:00:00.000Z");
    expect(await s.listOpenErrors()).toEqual([]);
    await s.audit({ ref: "C:1", action: "qbo.customer.created", actor: "sync", detail: { qboId: "58" } });
    expect(await s.listAudit()).toEqual([
      expect.objectContaining({ action: "qbo.customer.created", detail: { qboId: "58" } }),
    ]);
  });

  it("stores every kind of record through one upsert path, and soft-deletes", async () => {
    const s = (await open()).company("acme");
    await s.upsertRecords(
      "item",
      [{ id: "I1", name: "Drain cleaning", type: "Service", unitPrice: "95.00", active: true }],
      "t1",
    );
    const invoice = {
      id: "77",
      docNumber: "INV-77",
      customerId: "1",
      txnDate: "2026-11-01" as const,
      lines: [{ itemId: "I1", qty: "2", unitPrice: "95.00", amount: 19000 }],
    };
    const first = await s.upsertRecords("invoice", [invoice as never], "t1");
    expect(first).toEqual([{ id: "77", status: "created" }]);
    expect(await s.listRecords("invoice")).toEqual([invoice]);
    expect((await s.listRecords("item")).map((i) => i.name)).toEqual(["Drain cleaning"]);
    expect(await s.deleteRecords("invoice", ["77", "404"], "t2")).toEqual([
      { id: "77", deleted: true },
      { id: "404", deleted: false },
    ]);
    expect(await s.listRecords("invoice")).toEqual([]);
    // Sent again, it is live again.
    expect(await s.upsertRecords("invoice", [invoice as never], "t3")).toEqual([
      { id: "77", status: "updated" },
    ]);
    expect(await s.listRecords("invoice")).toHaveLength(1);
  });
});
