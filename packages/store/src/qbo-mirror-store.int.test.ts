import type { MirroredEntity, MirroredObject } from "@ledgerlink/core";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./store.js";
import { testDatabases } from "./test-databases.js";

const obj = (
  entity: MirroredEntity,
  id: string,
  syncToken: string,
  lastUpdated: string,
  extra: Record<string, unknown> = {},
): MirroredObject => ({
  entity,
  id,
  syncToken,
  active: extra["Active"] !== false,
  lastUpdated,
  deleted: false,
  data: { Id: id, SyncToken: syncToken, MetaData: { LastUpdatedTime: lastUpdated }, ...extra },
});

const T1 = "2026-01-05T18:00:00.000Z";
const T2 = "2026-01-05T18:00:05.000Z";
const T3 = "2026-01-06T09:30:00.000Z";

// One contract, every dialect: the same assertions run on SQLite and PostgreSQL.
describe.each(testDatabases())("QBO mirror store on $dialect", (database) => {
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

  it("stores objects with their wire JSON, per company, and reads them back", async () => {
    const st = await open();
    const acme = st.company("acme").qbo;
    await acme.upsertObjects([
      obj("Customer", "58", "0", T1, { DisplayName: "Big Co" }),
      obj("Customer", "59", "2", T1, { DisplayName: "Old Co", Active: false }),
      obj("Invoice", "130", "0", T1, { DocNumber: "1001", TotalAmt: 190 }),
    ]);
    await st.company("other").qbo.upsertObjects([obj("Customer", "58", "0", T1, { DisplayName: "Else" })]);

    expect(await acme.listObjects("Customer")).toEqual([
      obj("Customer", "58", "0", T1, { DisplayName: "Big Co" }),
      obj("Customer", "59", "2", T1, { DisplayName: "Old Co", Active: false }),
    ]);
    expect((await acme.getObject("Invoice", "130"))?.data).toMatchObject({
      DocNumber: "1001",
      TotalAmt: 190,
    });
    expect(await acme.getObject("Invoice", "999")).toBeUndefined();
    expect((await st.company("other").qbo.listObjects("Customer")).map((o) => o.data)).toEqual([
      expect.objectContaining({ DisplayName: "Else" }),
    ]);
    expect(await st.company("other").qbo.listObjects("Invoice")).toEqual([]);
  });

  it("never lets an older version overwrite a newer one (time first, then SyncToken as a number)", async () => {
    const qbo = (await open()).company("acme").qbo;
    await qbo.upsertObjects([obj("Customer", "1", "3", T2, { DisplayName: "Newer" })]);
    await qbo.upsertObjects([obj("Customer", "1", "2", T1, { DisplayName: "Older" })]);
    expect((await qbo.getObject("Customer", "1"))?.data).toMatchObject({ DisplayName: "Newer" });

    // Same second: SyncToken 10 is after 9, although "10" < "9" as text.
    await qbo.upsertObjects([obj("Customer", "2", "10", T1, { DisplayName: "Ten" })]);
    await qbo.upsertObjects([obj("Customer", "2", "9", T1, { DisplayName: "Nine" })]);
    expect((await qbo.getObject("Customer", "2"))?.syncToken).toBe("10");
    await qbo.upsertObjects([obj("Customer", "2", "11", T1, { DisplayName: "Eleven" })]);
    expect((await qbo.getObject("Customer", "2"))?.data).toMatchObject({ DisplayName: "Eleven" });

    // Within one call the newest copy wins too (and PostgreSQL sees each row once).
    await qbo.upsertObjects([
      obj("Customer", "3", "1", T2, { DisplayName: "B" }),
      obj("Customer", "3", "0", T1, { DisplayName: "A" }),
    ]);
    expect((await qbo.getObject("Customer", "3"))?.data).toMatchObject({ DisplayName: "B" });
    await qbo.upsertObjects([obj("Customer", "3", "2", T3, { DisplayName: "C" })]);
    expect((await qbo.getObject("Customer", "3"))?.data).toMatchObject({ DisplayName: "C" });
  });

  it("marks deletions (keeping the last data) that no older copy can undo, with tombstones for unknown ids", async () => {
    const qbo = (await open()).company("acme").qbo;
    await qbo.upsertObjects([
      obj("Invoice", "130", "1", T1, { DocNumber: "1001" }),
      obj("Invoice", "131", "0", T1, { DocNumber: "1002" }),
    ]);
    await qbo.markDeleted("Invoice", ["130", "777"], T2);
    expect((await qbo.listObjects("Invoice")).map((o) => o.id)).toEqual(["131"]);
    const all = await qbo.listObjects("Invoice", { includeDeleted: true });
    expect(all.map((o) => [o.id, o.deleted, o.lastUpdated])).toEqual([
      ["130", true, T2],
      ["131", false, T1],
      ["777", true, T2],
    ]);
    expect(all[0]!.data).toMatchObject({ DocNumber: "1001" });
    expect(all[2]!.data).toBeNull();

    // A stale copy read before the deletion does not bring it back, even with a higher SyncToken.
    await qbo.upsertObjects([obj("Invoice", "130", "5", T1), obj("Invoice", "777", "0", T1)]);
    expect((await qbo.listObjects("Invoice")).map((o) => o.id)).toEqual(["131"]);
    // An earlier `at` never moves the deletion's time back.
    await qbo.markDeleted("Invoice", ["130"], T1);
    expect((await qbo.getObject("Invoice", "130"))?.lastUpdated).toBe(T2);

    expect((await qbo.listVersions("Invoice")).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: "130", syncToken: "1", lastUpdated: T2, active: true, deleted: true },
      { id: "131", syncToken: "0", lastUpdated: T1, active: true, deleted: false },
      { id: "777", syncToken: "", lastUpdated: T2, active: false, deleted: true },
    ]);
  });

  it("writes and reads thousands of objects in chunks", async () => {
    const qbo = (await open()).company("acme").qbo;
    const many = Array.from({ length: 2_600 }, (_, i) =>
      obj("Customer", String(1000 + i), "0", T1, { DisplayName: `Customer ${i}`, Notes: "x".repeat(200) }),
    );
    await qbo.upsertObjects(many);
    expect(await qbo.listObjects("Customer")).toHaveLength(2_600);
    const ids = many.map((o) => o.id).filter((_, i) => i % 2 === 0);
    const got = await qbo.getObjects("Customer", [...ids, "nope"]);
    expect(got.map((o) => o.id).sort()).toEqual([...ids].sort());
    await qbo.markDeleted("Customer", ids, T2);
    expect(await qbo.listObjects("Customer")).toHaveLength(1_300);
    expect((await qbo.listVersions("Customer")).filter((v) => v.deleted)).toHaveLength(1_300);
  });

  it("keeps the checkpoint and Preferences per company", async () => {
    const st = await open();
    const qbo = st.company("acme").qbo;
    expect(await qbo.readCheckpoint()).toEqual({});
    expect(await qbo.readPreferences()).toBeUndefined();
    await qbo.saveCheckpoint({ since: T1, fullPullAt: T1 });
    await qbo.savePreferences({ SalesFormsPrefs: { CustomTxnNumbers: true } }, T1);
    await qbo.saveCheckpoint({ since: T2, fullPullAt: T1 });
    await qbo.savePreferences({ AccountingInfoPrefs: { BookCloseDate: "2025-12-31" } }, T2);
    expect(await qbo.readCheckpoint()).toEqual({ since: T2, fullPullAt: T1 });
    expect(await qbo.readPreferences()).toEqual({ AccountingInfoPrefs: { BookCloseDate: "2025-12-31" } });
    expect(await st.company("other").qbo.readCheckpoint()).toEqual({});
    await qbo.saveCheckpoint({ since: T3 });
    expect(await qbo.readCheckpoint()).toEqual({ since: T3 });
  });

  it("hands out webhook notices (with a merge's deletedId) and clears only those read", async () => {
    const st = await open();
    const company = st.company("acme");
    await company.noteQboChanges(
      [
        { entity: "Customer", qboId: "58", operation: "Merge", lastUpdated: T1, deletedId: "59" },
        { entity: "Invoice", qboId: "130", operation: "Update", lastUpdated: T2 },
      ],
      T2,
    );
    await st
      .company("other")
      .noteQboChanges([{ entity: "Invoice", qboId: "1", operation: "Create", lastUpdated: T1 }], T1);
    const notices = await company.qbo.pendingNotices();
    expect(notices).toEqual([
      { entity: "Customer", qboId: "58", operation: "Merge", lastUpdated: T1, deletedId: "59" },
      { entity: "Invoice", qboId: "130", operation: "Update", lastUpdated: T2 },
    ]);
    // A newer notice for the invoice arrives while the pull works: it must survive the clear.
    await company.noteQboChanges(
      [{ entity: "Invoice", qboId: "130", operation: "Delete", lastUpdated: T3 }],
      T3,
    );
    await company.qbo.clearNotices(notices);
    expect(await company.qbo.pendingNotices()).toEqual([
      { entity: "Invoice", qboId: "130", operation: "Delete", lastUpdated: T3 },
    ]);
    expect(await st.company("other").qbo.pendingNotices()).toHaveLength(1);
  });
});
