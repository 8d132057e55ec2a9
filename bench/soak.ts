/**
 * bench/soak.ts — the server (startServer: HTTP API, scheduler, sync service, post-sync reports) with
 * scheduled syncs for 50 companies, each connected to its own emulated QBO company, while records change
 * continuously (a few customers edited and invoices added every second), for a bounded time.
 *
 * Sampled every few seconds in the server's process: RSS, event-loop delay (perf_hooks
 * monitorEventLoopDelay, p99 and mean per sample), open handles (process.getActiveResourcesInfo), and
 * per minute the error rate (failed scheduled runs and failed health probes over all of them). The first
 * 20% of the run is warm-up (JIT, caches, first full pulls) and left out of the trends.
 *
 * Targets (flat = the least-squares slope after warm-up under a stated bound): RSS ≤ 2 MB/min,
 * event-loop p99 ≤ 1 ms/min, open handles ≤ 0.5/min, error rate ≤ 1% and its drift ≤ 0.5 percentage
 * points/min. Baseline: the first minute after warm-up of the same run (last minute / first = ratio).
 * The emulator runs in a child process so its own memory is not counted.
 *
 *   node bench/dist/soak.js [--minutes 10] [--companies 50] [--sample-seconds 5]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createEmulator } from "@ledgerlink/emulator";
import { ingestRecords, loadConfig, startServer } from "@ledgerlink/server";
import { seededRandom } from "./kill-runner.js";
import { writeResult } from "./write-result.js";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!(v > 0)) throw new Error(`--${name} needs a positive number, got ${process.argv[i + 1]}`);
  return v;
}
const minutes = flag("minutes", 10);
const companies = flag("companies", 50);
const sampleSeconds = flag("sample-seconds", 5);

if (process.argv.includes("--emulator-child")) {
  // The emulator on its own: one QBO company per Ledgerlink company. Lives until its parent goes.
  const emu = createEmulator();
  const realmIds = Array.from({ length: companies }, (_, i) => {
    const realm = emu.createRealm({ companyName: `Soak ${i}` });
    realm.setPreferences({ SalesFormsPrefs: { CustomTxnNumbers: true } });
    return realm.id;
  });
  const server = await emu.listen({ host: "127.0.0.1" });
  console.log(JSON.stringify({ url: server.url, realmIds }));
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
} else {
  await soak();
}

async function startEmulatorChild() {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), "--emulator-child", "--companies", String(companies)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the emulator child exited (${code})`)));
  });
  return { child, ...(JSON.parse(first) as { url: string; realmIds: string[] }) };
}

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function soak(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ledgerlink-soak-"));
  const emulator = await startEmulatorChild();
  const config = loadConfig({
    PORT: "0",
    DATABASE_URL: `sqlite:${join(dir, "soak.db")}`,
    LEDGERLINK_COMPANY: "soak0",
    QBO_ENVIRONMENT: "emulator",
    QBO_BASE_URL: emulator.url,
    LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 9).toString("base64"),
    LEDGERLINK_KEY_FILE: join(dir, "token.key"),
    REPORT_DIR: join(dir, "reports"),
    LOG_LEVEL: "error",
  });
  const server = await startServer(config);
  const { store, connections } = server;
  const random = seededRandom(13);
  const ids = Array.from({ length: companies }, (_, i) => `soak${i}`);
  const counters = { customers: new Map<string, number>(), invoices: new Map<string, number>() };
  const at = () => new Date().toISOString();

  console.log(
    `soak: ${companies} companies, ${minutes} min, emulator at ${emulator.url}, server at ${server.url}`,
  );
  for (const [i, id] of ids.entries()) {
    await store.ensureCompany(id, `Soak ${i}`);
    await store.connections.saveSettings(id, true, { schedule: { mode: "every", everyMinutes: 1 } }, at());
    // Connect to this company's own QBO company (the emulator's consent page picks it by realmId).
    const nonce = `soak-${id}`;
    const url = new URL(await connections.startConnect(id, nonce));
    url.searchParams.set("realmId", emulator.realmIds[i]!);
    const res = await fetch(url, { redirect: "manual" });
    await connections.completeConnect(res.headers.get("location")!, nonce);
    const company = store.company(id);
    await ingestRecords(
      company,
      "item",
      [{ id: "svc", name: "Service", type: "NonInventory", unitPrice: "50.00" }],
      at(),
    );
    await ingestRecords(
      company,
      "customer",
      Array.from({ length: 20 }, (_, c) => ({
        id: `c${c}`,
        displayName: `Customer ${c} of ${id}`,
        active: true,
      })),
      at(),
    );
    counters.customers.set(id, 20);
    counters.invoices.set(id, 0);
  }
  // A first Sync Now for every company, as staff do after connecting; the schedule carries on from there
  // (the scheduler counts a new schedule's first minute from when it first sees it).
  for (const id of ids) await server.syncService.start(id, { trigger: "manual" });

  // Continuous change: every second one company gets three customers edited and two new invoices.
  let changes = 0;
  const changer = setInterval(() => {
    const id = ids[Math.floor(random() * ids.length)]!;
    const company = store.company(id);
    const n = counters.invoices.get(id)!;
    counters.invoices.set(id, n + 2);
    const edits = Array.from({ length: 3 }, () => {
      const c = Math.floor(random() * 20);
      return {
        id: `c${c}`,
        displayName: `Customer ${c} of ${id}`,
        email: `ap${changes}@soak.test`,
        active: true,
      };
    });
    const invoices = [n, n + 1].map((k) => ({
      id: `n${k}`,
      docNumber: `S-${k}`,
      customerId: `c${k % 20}`,
      txnDate: "2026-11-02",
      lines: [{ itemId: "svc", qty: "1", unitPrice: "50.00" }],
    }));
    void ingestRecords(company, "customer", edits, at())
      .then(() => ingestRecords(company, "invoice", invoices, at()))
      .then(() => (changes += 5));
  }, 1000);

  // Health probes, and the scheduled runs' outcomes (read from the store), per minute.
  const perMinute = new Map<
    number,
    { probes: number; probeErrors: number; runs: number; runErrors: number }
  >();
  const started = performance.now();
  const minuteNow = () => Math.floor((performance.now() - started) / 60_000);
  const bucket = () => {
    const m = minuteNow();
    let b = perMinute.get(m);
    if (!b) perMinute.set(m, (b = { probes: 0, probeErrors: 0, runs: 0, runErrors: 0 }));
    return b;
  };
  const prober = setInterval(() => {
    const b = bucket();
    b.probes++;
    fetch(`${server.url}/api/health`).then(
      async (r) => {
        await r.arrayBuffer();
        if (!r.ok) b.probeErrors++;
      },
      () => b.probeErrors++,
    );
  }, 1000);
  const seenRuns = new Set<string>();
  const statuses = new Map<string, number>();
  const collectRuns = async () => {
    for (const id of ids) {
      for (const r of await store.company(id).sync.listRunSummaries({ limit: 5 })) {
        if (r.status === "running" || seenRuns.has(r.id)) continue;
        seenRuns.add(r.id);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const b = bucket();
        b.runs++;
        if (r.status !== "succeeded") b.runErrors++;
      }
    }
  };

  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const samples: { t: number; rssMb: number; lagP99: number; lagMean: number; handles: number }[] = [];
  const sampler = setInterval(() => {
    samples.push({
      t: (performance.now() - started) / 60_000,
      rssMb: process.memoryUsage.rss() / 2 ** 20,
      lagP99: lag.percentile(99) / 1e6,
      lagMean: lag.mean / 1e6,
      handles: process.getActiveResourcesInfo().length,
    });
    lag.reset();
    const s = samples.at(-1)!;
    if (samples.length % Math.max(1, Math.round(60 / sampleSeconds)) === 0)
      console.log(
        `  ${s.t.toFixed(1)} min: RSS ${s.rssMb.toFixed(0)} MB, loop lag p99 ${s.lagP99.toFixed(1)} ms, ${s.handles} handles, ${seenRuns.size} runs, ${changes} record changes`,
      );
  }, sampleSeconds * 1000);
  const runCollector = setInterval(() => void collectRuns(), 5000);

  await new Promise((r) => setTimeout(r, minutes * 60_000));
  clearInterval(changer);
  clearInterval(prober);
  clearInterval(sampler);
  clearInterval(runCollector);
  lag.disable();
  await collectRuns();
  await server.close();
  emulator.child.stdin?.end();
  emulator.child.kill();
  rmSync(dir, { recursive: true, force: true });

  const warm = minutes * 0.2;
  const steady = samples.filter((s) => s.t >= warm);
  const trend = (key: "rssMb" | "lagP99" | "handles") => slope(steady.map((s) => ({ x: s.t, y: s[key] })));
  const mean = (list: typeof samples, key: "rssMb" | "lagP99" | "handles") =>
    list.reduce((a, s) => a + s[key], 0) / Math.max(1, list.length);
  const first = steady.filter((s) => s.t < warm + 1);
  const last = steady.filter((s) => s.t >= minutes - 1);
  const minutesList = [...perMinute.entries()].sort((a, b) => a[0] - b[0]);
  const rate = (b: { probes: number; probeErrors: number; runs: number; runErrors: number }) =>
    (b.probeErrors + b.runErrors) / Math.max(1, b.probes + b.runs);
  const rates = minutesList.filter(([m]) => m >= Math.floor(warm)).map(([m, b]) => ({ x: m, y: rate(b) }));
  const totals = minutesList.reduce(
    (a, [, b]) => ({
      errors: a.errors + b.probeErrors + b.runErrors,
      events: a.events + b.probes + b.runs,
      runs: a.runs + b.runs,
    }),
    { errors: 0, events: 0, runs: 0 },
  );
  console.log(
    `soak: ${totals.runs} scheduled runs (${JSON.stringify(Object.fromEntries(statuses))}), ${changes} record changes, ${totals.errors} errors in ${totals.events} runs and probes`,
  );
  const r3 = (x: number) => Number(x.toFixed(3));
  const size = `${companies} companies, ${minutes} min, slope over the last ${(minutes - warm).toFixed(1)} min`;
  writeResult("soak", [
    {
      name: "RSS trend",
      value: r3(trend("rssMb")),
      unit: `MB/min (${size})`,
      target: 2,
      better: "lower",
      baseline: null,
    },
    {
      name: "RSS, last minute (baseline: first minute after warm-up)",
      value: r3(mean(last, "rssMb")),
      unit: "MB",
      target: null,
      better: "lower",
      baseline: r3(mean(first, "rssMb")),
    },
    {
      name: "event-loop lag p99 trend",
      value: r3(trend("lagP99")),
      unit: "ms/min",
      target: 1,
      better: "lower",
      baseline: null,
    },
    {
      name: "event-loop lag p99, last minute (baseline: first minute)",
      value: r3(mean(last, "lagP99")),
      unit: "ms",
      target: null,
      better: "lower",
      baseline: r3(mean(first, "lagP99")),
    },
    {
      name: "open handles trend",
      value: r3(trend("handles")),
      unit: "handles/min",
      target: 0.5,
      better: "lower",
      baseline: null,
    },
    {
      name: "open handles, last minute (baseline: first minute)",
      value: r3(mean(last, "handles")),
      unit: "handles",
      target: null,
      better: "lower",
      baseline: r3(mean(first, "handles")),
    },
    {
      name: "error rate (failed scheduled runs + failed health probes)",
      value: r3(totals.errors / Math.max(1, totals.events)),
      unit: `of ${totals.events} (${totals.runs} runs)`,
      target: 0.01,
      better: "lower",
      baseline: null,
    },
    {
      name: "error rate drift",
      value: r3(Math.abs(slope(rates)) * 100),
      unit: "percentage points/min",
      target: 0.5,
      better: "lower",
      baseline: null,
    },
    {
      name: "scheduled runs per minute",
      value: r3(totals.runs / minutes),
      unit: "runs/min",
      target: null,
      better: "higher",
      baseline: null,
    },
  ]);
}
