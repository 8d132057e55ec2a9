/**
 * bench/sync.ts — the sync engine sending 2,000 customers (200 of them sites under a parent) and
 * 10,000 invoices into an empty emulator company at QBO's limits (500 requests/min, 40 batch calls/min
 * of 30 items, 10 in flight), time-scaled (SYNC_BENCH_TIME_SCALE, default 20).
 *
 * Figures: the run's emulated wall time as a ratio of the shortest time those limits allow, 429s and
 * duplicates; the baseline is a typical integration measured in the same run — one create per record,
 * in sequence, no batching (as node-quickbooks code does), retrying 429s after Intuit's 60 s.
 *
 * The shortest time: each minute window admits 40 batch calls of 30 items plus 460 plain requests,
 * 1,660 operations; N operations need ceil(N / 1,660) windows, and the last starts
 * (ceil(N / 1,660) − 1) minutes after the first.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "@ledgerlink/core";
import { createEmulator } from "@ledgerlink/emulator";
import { createQboClient, WindowRateLimiter, type QboClient } from "@ledgerlink/qbo";
import { ingestRecords, runCompanySync } from "@ledgerlink/server";
import { openStore } from "@ledgerlink/store";
import { writeResult } from "./write-result.js";

const TIME_SCALE = Number(process.env["SYNC_BENCH_TIME_SCALE"] ?? 20);
const CUSTOMERS = Number(process.env["SYNC_BENCH_CUSTOMERS"] ?? 2000);
const SITES = Math.round(CUSTOMERS / 10);
const INVOICES = Number(process.env["SYNC_BENCH_INVOICES"] ?? 10_000);
const OPS_PER_WINDOW = 40 * 30 + (500 - 40);

function dataset() {
  const customers = Array.from({ length: CUSTOMERS }, (_, i) =>
    i >= CUSTOMERS - SITES
      ? { id: `c${i}`, parentId: `c${i - (CUSTOMERS - SITES)}`, displayName: `Site ${i}`, active: true }
      : { id: `c${i}`, displayName: `Customer ${i}`, email: `ap${i}@bench.test`, active: true },
  );
  const invoices = Array.from({ length: INVOICES }, (_, i) => ({
    id: `n${i}`,
    docNumber: `B-${i}`,
    customerId: `c${(i * 7) % CUSTOMERS}`,
    txnDate: "2026-11-02",
    lines: [{ itemId: "svc", qty: "1", unitPrice: "100.00" }],
  }));
  return { customers, invoices, items: [{ id: "svc", name: "Service", type: "NonInventory" }] };
}

const retry = {
  baseDelayMs: 500 / TIME_SCALE,
  maxDelayMs: 60_000 / TIME_SCALE,
  throttleDelayMs: 60_000 / TIME_SCALE,
  maxAttempts: 50,
};

async function company() {
  const emulator = createEmulator({ timeScale: TIME_SCALE });
  const server = await emulator.listen({ host: "127.0.0.1" });
  const realm = emulator.createRealm({ companyName: "Sync bench" });
  realm.setPreferences({ SalesFormsPrefs: { CustomTxnNumbers: true } });
  const token = emulator.issueAccessToken(realm.id);
  return { server, realm, token };
}

function duplicates(realm: { list(e: "Customer" | "Invoice"): Record<string, unknown>[] }): number {
  let dup = 0;
  for (const [entity, key] of [
    ["Customer", "DisplayName"],
    ["Invoice", "DocNumber"],
  ] as const) {
    const seen = new Set<string>();
    for (const o of realm.list(entity)) {
      const k = String(o[key]);
      if (seen.has(k)) dup++;
      seen.add(k);
    }
  }
  return dup;
}

async function engineRun() {
  const { server, realm, token } = await company();
  const store = await openStore({
    url: `sqlite:${join(mkdtempSync(join(tmpdir(), "ll-sync-bench-")), "b.db")}`,
  });
  try {
    await store.ensureCompany("bench", "Bench");
    const data = dataset();
    const at = new Date().toISOString();
    await ingestRecords(store.company("bench"), "item", data.items, at);
    await ingestRecords(store.company("bench"), "customer", data.customers, at);
    await ingestRecords(store.company("bench"), "invoice", data.invoices, at);
    const client = createQboClient({
      baseUrl: server.url,
      realmId: realm.id,
      getAccessToken: async () => token,
      limiter: new WindowRateLimiter({ timeScale: TIME_SCALE }),
      retry,
    });
    const start = realm.now().getTime();
    const result = await runCompanySync({ store, companyId: "bench", client, clock: systemClock });
    const seconds = (realm.now().getTime() - start) / 1000;
    const run = result.run!;
    // Where the time went: the pull and plan before the first write, then the writes minute by minute.
    const writes = realm.requestLog
      .filter((r) => r.method === "POST")
      .map((r) => ({ ...r, t: Date.parse(r.time) }));
    const firstWrite = Math.min(...writes.map((w) => w.t));
    const perMinute: { batches: number; requests: number }[] = [];
    for (const w of writes) {
      const m = Math.floor((w.t - firstWrite) / 60_000);
      perMinute[m] ??= { batches: 0, requests: 0 };
      perMinute[m]!.requests++;
      if (w.path.includes("/batch")) perMinute[m]!.batches++;
    }
    console.log(
      `engine: pull + plan ${((firstWrite - start) / 1000).toFixed(0)} emulated s before the first write; ` +
        `writes per emulated minute (batch calls / all requests): ${perMinute.map((m) => `${m?.batches ?? 0}/${m?.requests ?? 0}`).join(", ")}; ` +
        `limiter waits ${Math.round(run.throttleWaitMs / 1000)} s summed over calls`,
    );
    if (run.counts.created !== data.customers.length + data.invoices.length + 1)
      throw new Error(`engine run did not create everything: ${JSON.stringify(run.counts)}`);
    return {
      seconds,
      operations: run.operations,
      calls: run.calls,
      throttled: realm.requestLog.filter((r) => r.status === 429).length,
      duplicates: duplicates(realm),
    };
  } finally {
    await store.close();
    await server.close();
  }
}

/** One create per record, in order, waiting for each answer: what a typical integration does. */
async function naiveRun() {
  const { server, realm, token } = await company();
  try {
    const client: QboClient = createQboClient({
      baseUrl: server.url,
      realmId: realm.id,
      getAccessToken: async () => token,
      limiter: { acquire: async () => () => undefined },
      retry,
    });
    const data = dataset();
    const start = realm.now().getTime();
    const item = await client.create("Item", { Name: "Service", Type: "NonInventory" } as never, {
      requestId: "naive-item",
    });
    const ids = new Map<string, string>();
    for (const c of data.customers) {
      const body: Record<string, unknown> = { DisplayName: c.displayName };
      if ("parentId" in c) body["ParentRef"] = { value: ids.get(c.parentId) };
      if ("parentId" in c) body["Job"] = true;
      const saved = await client.create("Customer", body as never, { requestId: `naive-${c.id}` });
      ids.set(c.id, String(saved.Id));
    }
    for (const n of data.invoices) {
      await client.create(
        "Invoice",
        {
          DocNumber: n.docNumber,
          TxnDate: n.txnDate,
          CustomerRef: { value: ids.get(n.customerId)! },
          Line: [
            {
              DetailType: "SalesItemLineDetail",
              Amount: 100,
              SalesItemLineDetail: { ItemRef: { value: String(item.Id) }, Qty: 1, UnitPrice: 100 },
            },
          ],
        } as never,
        { requestId: `naive-${n.id}` },
      );
    }
    const seconds = (realm.now().getTime() - start) / 1000;
    return {
      seconds,
      throttled: realm.requestLog.filter((r) => r.status === 429).length,
      duplicates: duplicates(realm),
    };
  } finally {
    await server.close();
  }
}

const operations = CUSTOMERS + INVOICES + 1;
const minimumSeconds = Math.max(1, (Math.ceil(operations / OPS_PER_WINDOW) - 1) * 60);
const engine = await engineRun();
console.log(
  `engine: ${engine.operations} operations in ${engine.calls} calls, ${engine.seconds.toFixed(0)} emulated s (minimum ${minimumSeconds} s)`,
);
// SYNC_BENCH_ENGINE_ONLY=1: the engine's run alone, for profiling; no result is written.
if (process.env["SYNC_BENCH_ENGINE_ONLY"]) process.exit(0);
const naive = await naiveRun();
console.log(`naive: ${naive.seconds.toFixed(0)} emulated s, ${naive.throttled} × 429`);

const round = (x: number) => Number(x.toFixed(3));
writeResult("sync", [
  {
    name: "wall time / theoretical minimum",
    value: round(engine.seconds / minimumSeconds),
    unit: `ratio (${operations} operations, minimum ${minimumSeconds} emulated s at QBO's limits, ${TIME_SCALE}× time)`,
    target: 1.1,
    better: "lower",
    baseline: round(naive.seconds / minimumSeconds),
  },
  {
    name: "wall time",
    value: round(engine.seconds),
    unit: "emulated s",
    target: null,
    better: "lower",
    baseline: round(naive.seconds),
  },
  {
    name: "HTTP 429 answers",
    value: engine.throttled,
    unit: "count",
    target: 0,
    better: "lower",
    baseline: naive.throttled,
  },
  {
    name: "duplicates in QBO",
    value: engine.duplicates,
    unit: "count",
    target: 0,
    better: "lower",
    baseline: naive.duplicates,
  },
]);
