/**
 * Run slices: a run stops after `maxOps` operations (exactly, however many lanes are sending) and the
 * job queue puts the next slice behind the companies already waiting, so one worker syncing a large
 * company and a small one finishes the small one first.
 */
import { systemClock, type SyncEvent } from "@ledgerlink/core";
import { createEmulator, type EmulatorServer } from "@ledgerlink/emulator";
import { createQboClient } from "@ledgerlink/qbo";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCompanySync } from "../company-sync.js";
import { loadConfig } from "../config.js";
import { ConnectionService } from "../connection-service.js";
import { ingestRecords } from "../ingest-records.js";
import { logger } from "../logger.js";
import { InProcessQueue } from "./in-process-queue.js";
import { jobHandlers } from "./job-handlers.js";

async function seed(store: Store, companyId: string, customers: number, invoices: number): Promise<void> {
  const at = new Date().toISOString();
  await store.ensureCompany(companyId, companyId);
  const company = store.company(companyId);
  await ingestRecords(company, "item", [{ id: "svc", name: "Service", type: "NonInventory" }], at);
  await ingestRecords(
    company,
    "customer",
    Array.from({ length: customers }, (_, i) => ({
      id: `c${i}`,
      displayName: `${companyId} ${i}`,
      active: true,
    })),
    at,
  );
  await ingestRecords(
    company,
    "invoice",
    Array.from({ length: invoices }, (_, i) => ({
      id: `n${i}`,
      docNumber: `${companyId}-${i}`,
      customerId: `c${i % customers}`,
      txnDate: "2026-11-02",
      lines: [{ itemId: "svc", qty: "1", unitPrice: "10.00" }],
    })),
    at,
  );
}

/** Connects the company to a new emulated QBO company of its own (OAuth through the emulator). */
async function connectToNewRealm(
  emulator: ReturnType<typeof createEmulator>,
  connections: ConnectionService,
  companyId: string,
): Promise<void> {
  const realm = emulator.createRealm({ companyName: companyId });
  realm.setPreferences({ SalesFormsPrefs: { CustomTxnNumbers: true } });
  const nonce = `slices-${companyId}`;
  const res = await fetch(`${await connections.startConnect(companyId, nonce)}&realmId=${realm.id}`, {
    redirect: "manual",
  });
  await connections.completeConnect(res.headers.get("location")!, nonce);
}

describe.each(testDatabases())("run slices ($dialect)", (database) => {
  const emulator = createEmulator({ timeScale: 10 });
  let qbo: EmulatorServer;
  let store: Store;

  beforeAll(async () => {
    qbo = await emulator.listen({ host: "127.0.0.1", port: 0 });
    store = await openStore(database.fresh());
  });
  afterAll(async () => {
    await store?.close();
    await qbo?.close();
  });

  /** Connections to the time-scaled emulator, as a worker makes them. */
  const emulatorConnections = () =>
    new ConnectionService({
      store,
      config: loadConfig({
        QBO_ENVIRONMENT: "emulator",
        QBO_BASE_URL: qbo.url,
        LEDGERLINK_TOKEN_KEY: randomBytes(32).toString("base64"),
      }),
      clock: systemClock,
      timeScale: 10,
    });

  it("a 25-op slice sends at most 25 operations, however many lanes run, and the slices add up", async () => {
    const realm = emulator.createRealm({ companyName: "Slices" });
    realm.setPreferences({ SalesFormsPrefs: { CustomTxnNumbers: true } });
    await seed(store, "sliced", 5, 60); // 1 item + 5 customers + 60 invoices = 66 operations
    const client = createQboClient({
      baseUrl: qbo.url,
      realmId: realm.id,
      getAccessToken: () => Promise.resolve(emulator.issueAccessToken(realm.id)),
    });
    const slices: { operations: number; sliced: boolean }[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await runCompanySync({ store, companyId: "sliced", client, clock: systemClock, maxOps: 25 });
      slices.push({ operations: r.run!.operations, sliced: r.sliced === true });
      if (!r.sliced) break;
    }
    expect(slices.map((s) => s.operations)).toEqual([25, 25, 16]);
    expect(slices.map((s) => s.sliced)).toEqual([true, true, false]);
    expect(realm.list("Invoice")).toHaveLength(60);
    expect(realm.list("Customer")).toHaveLength(5);
  }, 60_000);

  it("one worker, a 300-invoice company queued first and a 5-invoice one: the small one finishes first", async () => {
    const connections = emulatorConnections();
    for (const [id, invoices] of [
      ["big", 300],
      ["small", 5],
    ] as const) {
      await seed(store, id, 5, invoices);
      await connectToNewRealm(emulator, connections, id);
    }
    const finished: { companyId: string; operations: number; status: string }[] = [];
    const queue = new InProcessQueue((name, err) => {
      throw new Error(`job ${name} failed: ${String(err)}`);
    });
    await queue.work(
      jobHandlers({
        store,
        connections,
        clock: systemClock,
        environment: "emulator",
        transport: {
          kind: "disk",
          dir: mkdtempSync(join(tmpdir(), "ledgerlink-fair-")),
          defaultRecipients: [],
        },
        logger: logger.child({ level: "warn" }),
        sliceOps: 50,
        onRunEvent: (companyId, e: SyncEvent) => {
          if (e.type === "run-finished")
            finished.push({ companyId, operations: e.run.operations, status: e.run.status });
        },
      }),
      { concurrency: 1 }, // one worker, one sync at a time
    );
    await queue.send("sync-run", { companyId: "big", trigger: "api" }, { singletonKey: "big" });
    await queue.send("sync-run", { companyId: "small", trigger: "api" }, { singletonKey: "small" });
    await queue.drained();
    await queue.stop();

    const order = finished.map((f) => f.companyId);
    // big's first slice, then small to its end, then the rest of big: 306 operations in slices of 50.
    expect(order.indexOf("small")).toBe(1);
    expect(order.filter((c) => c === "small")).toHaveLength(1);
    const big = finished.filter((f) => f.companyId === "big");
    expect(big.length).toBe(7);
    expect(Math.max(...big.map((f) => f.operations))).toBeLessThanOrEqual(50);
    expect(big.reduce((n, f) => n + f.operations, 0)).toBe(306);
    expect(finished.every((f) => f.status === "succeeded")).toBe(true);
    const links = async (id: string) => (await store.company(id).sync.listLinks()).size;
    expect(await links("big")).toBe(306);
    expect(await links("small")).toBe(11);
  }, 120_000);

  it("a scheduled run cut into slices sends one report, of all its slices", async () => {
    const connections = emulatorConnections();
    await seed(store, "nightly", 5, 60); // 66 operations: slices of 25, 25 and 16
    await connectToNewRealm(emulator, connections, "nightly");
    const dir = mkdtempSync(join(tmpdir(), "ledgerlink-sliced-report-"));
    const runs: string[] = [];
    const queue = new InProcessQueue((name, err) => {
      throw new Error(`job ${name} failed: ${String(err)}`);
    });
    await queue.work(
      jobHandlers({
        store,
        connections,
        clock: systemClock,
        environment: "emulator",
        transport: { kind: "disk", dir, defaultRecipients: [] },
        logger: logger.child({ level: "warn" }),
        sliceOps: 25,
        onRunEvent: (_companyId, e: SyncEvent) => {
          if (e.type === "run-finished") runs.push(e.run.id);
        },
      }),
      { concurrency: 1 },
    );
    await queue.send("sync-run", { companyId: "nightly", trigger: "schedule" }, { singletonKey: "nightly" });
    await queue.drained();
    await queue.stop();

    expect(runs).toHaveLength(3);
    // One report, filed under the last slice, counting what every slice did.
    expect(readdirSync(join(dir, "nightly"))).toEqual([runs[2]]);
    const csv = readFileSync(join(dir, "nightly", runs[2]!, `sync-report-${runs[2]}.csv`), "utf8");
    const rows = csv.split(/\r?\n/);
    expect(rows).toContain("count,,,created,,,66,,,");
    expect(rows.filter((r) => r.startsWith("run,")).map((r) => r.split(",")[1])).toEqual(runs);
    const html = readFileSync(join(dir, "nightly", runs[2]!, "sync-report.html"), "utf8");
    expect(html).toContain("66");
  }, 120_000);
});
