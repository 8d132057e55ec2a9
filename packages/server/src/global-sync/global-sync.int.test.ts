import { demoCompanySeed, createEmulator } from "@ledgerlink/emulator";
import { testDatabases } from "@ledgerlink/store";
import { afterEach, describe, expect, it } from "vitest";
import { expectContract, startApiHarness, type ApiHarness } from "../../test/api-harness.js";
import { loadDemoData } from "../demo/load-demo-data.js";
import { createLedgerlink, type Ledgerlink } from "../ledgerlink.js";
import { systemClock, type OutboundEvent } from "@ledgerlink/core";
import { runCompanyGlobalSync } from "./run-global-sync.js";

interface Plan {
  counts: { create: number; linked: number; matched: number; review: number; skipped: number };
  creates: {
    kind: string;
    qboId: string;
    name: string;
    id: string;
    parentId: string | null;
    active: boolean;
  }[];
  skipped: { kind: string; qboId: string; reason: string; localId: string | null }[];
  created?: number;
  reviewsOpened?: number;
}

const fold = (s: string) =>
  s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");

describe.each(testDatabases())("global sync on the demo company over HTTP ($dialect)", (database) => {
  let h: ApiHarness | undefined;
  afterEach(async () => h?.close());

  it("brings QBO-only customers and items into the app, linked and marked; a second run changes nothing", async () => {
    h = await startApiHarness(database, { seed: demoCompanySeed });
    const base = `/api/v1/companies/${h.company}`;
    await loadDemoData(h.store.company(h.company));
    const company = h.store.company(h.company);
    const appCustomers = await company.listCustomers();

    const plan = expectContract<Plan>(
      "planGlobalSync",
      await h.call("POST", `${base}/global-sync/plan`, { scope: "active" }),
      200,
    );
    // The dry run wrote nothing.
    expect((await company.listCustomers()).length).toBe(appCustomers.length);
    const customers = plan.creates.filter((c) => c.kind === "customer");
    expect(customers.length).toBeGreaterThan(0);
    // Nothing brought in is an app customer spelled differently: look-alikes were matched or sent to review.
    const appNames = new Set(appCustomers.map((c) => fold(c.displayName)));
    for (const c of customers) expect(appNames.has(fold(c.name)), c.name).toBe(false);
    const qboCustomers = h.realm().list("Customer") as {
      Id: string;
      Active?: boolean;
      ParentRef?: { value: string };
    }[];
    // Active only: every inactive QBO customer was left out.
    const inactive = new Set(qboCustomers.filter((q) => q.Active === false).map((q) => q.Id));
    for (const c of customers) expect(inactive.has(c.qboId)).toBe(false);
    expect(plan.skipped.filter((s) => s.kind === "customer" && s.reason === "inactive").length).toBe(
      inactive.size,
    );

    const run = expectContract<Plan>(
      "runGlobalSync",
      await h.call("POST", `${base}/global-sync`, { scope: "active" }),
      200,
    );
    expect(run.created).toBe(plan.counts.create);
    const links = await company.sync.listLinks();
    const records = await company.listCustomers();
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const c of customers) {
      // Linked to its QBO twin, marked as originating in QBO, its parent kept.
      expect(links.get(`C:${c.id}` as never)?.qboId).toBe(c.qboId);
      const record = byId.get(c.id);
      expect(record?.displayName).toBe(c.name);
      const q = qboCustomers.find((x) => x.Id === c.qboId)!;
      if (q.ParentRef) {
        expect(c.parentId).not.toBeNull();
        expect(record?.parentId).toBe(c.parentId!);
        expect(byId.has(c.parentId!)).toBe(true);
      }
    }
    const origin = expectContract<{ items: { id: string; origin: string | null }[] }>(
      "listRecords",
      await h.call("GET", `${base}/records?kind=customer&origin=qbo&limit=500`),
      200,
    );
    expect(origin.items.map((r) => r.id).sort()).toEqual(customers.map((c) => c.id).sort());
    expect(origin.items.every((r) => r.origin === "qbo")).toBe(true);
    // Each one announced to the business app.
    const events = await company.outbound.listEvents();
    expect(events.filter((e) => e.type === "record.created_from_qbo").length).toBe(run.created);

    // Again: nothing to bring in, nothing written; the sync to QBO has nothing to do for them.
    const again = expectContract<Plan>("runGlobalSync", await h.call("POST", `${base}/global-sync`, {}), 200);
    expect(again.created).toBe(0);
    expect(again.counts.create).toBe(0);
    expect((await company.listCustomers()).length).toBe(records.length);
    const { plan: syncPlan } = await h.syncService.plan(h.company);
    const brought = new Set(plan.creates.map((c) => `${c.kind === "customer" ? "C" : "ITEM"}:${c.id}`));
    const steps = syncPlan.steps.filter((s) => brought.has(s.ref));
    expect(steps.length).toBe(brought.size);
    expect(steps.filter((s) => s.action !== "skip")).toEqual([]);
  });
});

describe.each(testDatabases())("global sync and the company's sync lease ($dialect)", (database) => {
  let h: ApiHarness | undefined;
  afterEach(async () => h?.close());

  it("a busy company gets 409 and nothing written; a Sync Now during a global sync gets 409 too", async () => {
    h = await startApiHarness(database);
    const base = `/api/v1/companies/${h.company}`;
    const company = h.store.company(h.company);
    h.realm().create("Customer", { DisplayName: "Osprey Sails" });

    // A run of another process holds the lease: the global sync is refused, clearly, and writes nothing.
    const other = "other-host:4242:1";
    expect(await company.sync.acquireLease(other, 60_000, new Date())).toBe(true);
    const busy = expectContract<{ error: { code: string; message: string } }>(
      "runGlobalSync",
      await h.call("POST", `${base}/global-sync`, { kinds: ["customer"] }),
      409,
    );
    expect(busy.error.code).toBe("sync_running");
    expect(busy.error.message).toMatch(/sync of company acme is running.*global sync again/);
    expect(await company.listCustomers()).toEqual([]);
    expect(await company.sync.leaseHolder(new Date())).toBe(other);
    // The dry run writes nothing, so it needs no lease.
    const plan = expectContract<{ counts: { create: number } }>(
      "planGlobalSync",
      await h.call("POST", `${base}/global-sync/plan`, { kinds: ["customer"] }),
      200,
    );
    expect(plan.counts.create).toBe(1);
    await company.sync.releaseLease(other);

    // A global sync holding the lease (stopped in its pull): Sync Now is refused until it is done.
    let releasePull!: () => void;
    const pullGate = new Promise<void>((resolve) => (releasePull = resolve));
    let pulled!: () => void;
    const inPull = new Promise<void>((resolve) => (pulled = resolve));
    const running = runCompanyGlobalSync({
      store: h.store,
      companyId: h.company,
      scope: "active",
      kinds: ["customer"],
      at: new Date().toISOString(),
      clock: systemClock,
      pull: async () => {
        pulled();
        await pullGate;
        await h!.syncService.plan(h!.company);
      },
    });
    await inPull;
    expect(await company.sync.leaseHolder(new Date())).toBeDefined();
    const syncNow = expectContract<{ error: { code: string } }>(
      "startRun",
      await h.call("POST", `${base}/runs`, {}),
      409,
    );
    expect(syncNow.error.code).toBe("sync_running");
    // A second global sync is refused as well.
    expect((await h.call("POST", `${base}/global-sync`, { kinds: ["customer"] })).status).toBe(409);
    releasePull();
    expect((await running).created).toBe(1);
    // The lease is given back: Sync Now starts, and has nothing to create for what was brought in.
    expect(await company.sync.leaseHolder(new Date())).toBeUndefined();
    const started = await h.call<{ runId: string }>("POST", `${base}/runs`, {});
    expect(started.status).toBe(202);
    await h.syncService.whenIdle(h.company);
    const run = await company.sync.getRun(started.body.runId);
    expect(run.status).toBe("succeeded");
    expect(run.counts.created).toBe(0);
    expect(h.realm().list("Customer").length).toBe(1);
  });
});

// The library opens its database by URL alone (no PostgreSQL schema), so it runs on a fresh SQLite file.
describe.each(testDatabases().filter((d) => d.dialect === "sqlite"))(
  "ledgerlink.on: the library's typed events ($dialect)",
  (database) => {
    let ll: Ledgerlink | undefined;
    afterEach(async () => ll?.close());

    it("hears record.synced, run.completed and record.created_from_qbo with typed data, in order", async () => {
      const emu = createEmulator();
      const server = await emu.listen({ port: 0, host: "127.0.0.1" });
      try {
        ll = await createLedgerlink({
          database: database.fresh().url,
          company: "acme",
          qbo: {
            baseUrl: server.url,
            realmId: emu.defaultRealmId,
            getAccessToken: () => Promise.resolve(emu.issueAccessToken(emu.defaultRealmId)),
          },
        });
        const heard: OutboundEvent[] = [];
        const paid: string[] = [];
        ll.on("record.synced", (e) => heard.push(e));
        ll.on("run.completed", (e) => heard.push(e));
        ll.on("record.created_from_qbo", (e) => heard.push(e));
        const off = ll.on("invoice.paid", (e) => paid.push(e.data.qboPaymentId));
        off();
        emu.realm(emu.defaultRealmId).create("Customer", { DisplayName: "Osprey Sails" });
        await ll.records.upsertCustomers([{ id: "c1", displayName: "Kite Works", active: true }]);
        await ll.sync.run();
        await ll.globalSync.run({ kinds: ["customer"] });
        expect(heard.map((e) => e.type)).toEqual([
          "record.synced",
          "run.completed",
          "record.created_from_qbo",
        ]);
        const synced = heard[0]!;
        if (synced.type !== "record.synced") throw new Error("typed by its type");
        expect(synced.data.ref).toBe("C:c1");
        const created = heard[2]!;
        if (created.type !== "record.created_from_qbo") throw new Error("typed by its type");
        expect(created.data.name).toBe("Osprey Sails");
        expect(paid).toEqual([]);
      } finally {
        await server.close();
      }
    });
  },
);
