/**
 * bench/scale.ts — many companies synced by 1, 2 and 4 worker processes sharing one PostgreSQL
 * database (pg-boss queue, per-company leases, QBO limits shared in the database), each company its own
 * realm in the time-scaled emulator.
 *
 * For each worker count: total throughput (operations/s from the first job queued to the last company
 * done), per-company completion time from that start (p50/p95/max), and the highest per-company
 * request rate in the emulator's per-realm request log as a fraction of QBO's limits (the larger of
 * requests in any sliding minute / 500 and batch calls in any sliding minute / 40; must be ≤ 1.0), and
 * the 429s. The baseline of each figure is the 1-worker run of the same invocation.
 *
 *   node bench/dist/scale.js [--companies 100] [--invoices 1000] [--customers 10] [--workers 1,2,4]
 *                            [--concurrency 4] [--time-scale 10] [--database-url postgres://…]
 *
 * The issue's full size is --companies 100 --invoices 1000. The default is what fits in about six
 * minutes on a 2-core machine shared with other work; the run prints the size it ran at.
 * PostgreSQL: --database-url, else LEDGERLINK_BENCH_DATABASE_URL, else LEDGERLINK_TEST_DATABASE_URL (a
 * server where it may create and drop databases).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { systemClock } from "@ledgerlink/core";
import { createEmulator } from "@ledgerlink/emulator";
import {
  ConnectionService,
  ingestRecords,
  loadConfig,
  loadWorkerSettings,
  PgBossQueue,
  startWorker,
} from "@ledgerlink/server";
import { openStore } from "@ledgerlink/store";
import pg from "pg";
import { writeResult, type Figure } from "./write-result.js";

const FULL = { companies: 100, invoices: 1000 };

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!(v > 0)) throw new Error(`--${name} needs a positive number, got ${process.argv[i + 1]}`);
  return v;
}
function textFlag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

interface RunFigures {
  workers: number;
  seconds: number;
  operations: number;
  throughput: number;
  p50: number;
  p95: number;
  max: number;
  rateFraction: number;
  requestsPerMinuteMax: number;
  batchesPerMinuteMax: number;
  throttled: number;
  duplicates: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;

/** The most entries in any window of `windowMs` (times sorted ascending). */
function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

async function runOnce(o: {
  adminUrl: string;
  workers: number;
  companies: number;
  customers: number;
  invoices: number;
  concurrency: number;
  timeScale: number;
}): Promise<RunFigures> {
  const dbName = `ll_scale_${randomBytes(4).toString("hex")}`;
  const dbUrl = o.adminUrl.replace(/\/[^/]*$/, `/${dbName}`);
  const admin = new pg.Client({ connectionString: o.adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const emulator = createEmulator({ timeScale: o.timeScale, latencyMs: { min: 50, max: 250 } });
  const qbo = await emulator.listen({ host: "127.0.0.1", port: 0 });
  const dir = mkdtempSync(join(tmpdir(), "ledgerlink-scale-"));
  const env = {
    DATABASE_URL: dbUrl,
    QBO_ENVIRONMENT: "emulator",
    QBO_BASE_URL: qbo.url,
    LEDGERLINK_TOKEN_KEY: randomBytes(32).toString("base64"),
    LEDGERLINK_KEY_FILE: join(dir, "token.key"),
    REPORT_DIR: join(dir, "reports"),
  };
  const store = await openStore({ url: dbUrl });
  const children: ChildProcess[] = [];
  const realms = new Map<string, string>();
  try {
    const connections = new ConnectionService({ store, config: loadConfig(env), clock: systemClock });
    const at = new Date().toISOString();
    const seedStarted = performance.now();
    for (let c = 0; c < o.companies; c++) {
      const id = `co${c}`;
      await store.ensureCompany(id, `Company ${c}`);
      const realm = emulator.createRealm({ companyName: `Company ${c}` });
      realm.setPreferences({ SalesFormsPrefs: { CustomTxnNumbers: true } });
      realms.set(id, realm.id);
      const company = store.company(id);
      await ingestRecords(company, "item", [{ id: "svc", name: "Service", type: "NonInventory" }], at);
      await ingestRecords(
        company,
        "customer",
        Array.from({ length: o.customers }, (_, i) => ({
          id: `c${i}`,
          displayName: `Customer ${c}-${i}`,
          active: true,
        })),
        at,
      );
      await ingestRecords(
        company,
        "invoice",
        Array.from({ length: o.invoices }, (_, i) => ({
          id: `n${i}`,
          docNumber: `D-${i}`,
          customerId: `c${i % o.customers}`,
          txnDate: "2026-11-02",
          lines: [{ itemId: "svc", qty: "1", unitPrice: "10.00" }],
        })),
        at,
      );
      const nonce = `scale-${id}`;
      const url = `${await connections.startConnect(id, nonce)}&realmId=${realm.id}`;
      const res = await fetch(url, { redirect: "manual" });
      await connections.completeConnect(res.headers.get("location")!, nonce);
    }
    console.log(
      `  ${o.workers} worker(s): seeded ${o.companies} companies in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
    );

    const script = fileURLToPath(import.meta.url);
    const ready: Promise<void>[] = [];
    const lost: number[] = [];
    for (let w = 0; w < o.workers; w++) {
      const child = spawn(process.execPath, [script, "--worker"], {
        env: {
          ...process.env,
          ...env,
          LEDGERLINK_HOST_ID: `scale-${w}`,
          WORKER_CONCURRENCY: String(o.concurrency),
          LEDGERLINK_QBO_TIME_SCALE: String(o.timeScale),
          LEDGERLINK_POLL_SECONDS: "0.5",
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let err = "";
      let started: () => void = () => undefined;
      // The clock starts once every worker takes jobs (it logs "worker started"), not at process boot.
      ready.push(new Promise<void>((r) => (started = r)));
      child.stderr!.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      child.stdout!.on("data", (d: Buffer) => {
        err = (err + d.toString()).slice(-4000);
        if (err.includes('"msg":"worker started"')) started();
      });
      child.once("exit", (code, signal) => {
        started();
        if (code !== 0 && signal !== "SIGTERM") {
          console.error(`  worker ${w} exited ${code ?? signal}: ${err}`);
          lost.push(w);
        }
      });
      children.push(child);
    }
    await Promise.all(ready);

    const queue = new PgBossQueue({ url: dbUrl });
    await queue.start();
    const started = performance.now();
    for (let c = 0; c < o.companies; c++)
      await queue.send("sync-run", { companyId: `co${c}`, trigger: "api" }, { singletonKey: `co${c}` });
    await queue.stop();

    const expected = 1 + o.customers + o.invoices;
    const doneAt = new Map<string, number>();
    const sql = new pg.Client({ connectionString: dbUrl });
    await sql.connect();
    try {
      let lastReport = performance.now();
      while (doneAt.size < o.companies) {
        const r = await sql.query<{ company_id: string; n: string }>(
          `select company_id, count(*) as n from links group by company_id`,
        );
        const running = new Set(
          (
            await sql.query<{ company_id: string }>(
              `select company_id from sync_runs where status = 'running'`,
            )
          ).rows.map((x) => x.company_id),
        );
        const now = performance.now();
        for (const row of r.rows)
          if (Number(row.n) >= expected && !running.has(row.company_id) && !doneAt.has(row.company_id))
            doneAt.set(row.company_id, now - started);
        // A run with fewer workers than it says measures something else: stop it.
        if (lost.length > 0)
          throw new Error(`worker ${lost.join(", ")} died; this run's figures would be wrong`);
        if (now - lastReport > 15_000) {
          lastReport = now;
          console.log(
            `    ${((now - started) / 1000).toFixed(0)} s: ${doneAt.size}/${o.companies} companies done`,
          );
        }
        await new Promise((res) => setTimeout(res, 200));
      }
    } finally {
      await sql.end();
    }
    const seconds = Math.max(...doneAt.values()) / 1000;
    const operations = o.companies * expected;

    let worst = { requests: 0, batches: 0 };
    let throttled = 0;
    let duplicates = 0;
    for (const realmId of realms.values()) {
      const realm = emulator.realm(realmId);
      const log = realm.requestLog;
      throttled += log.filter((e) => e.status === 429).length;
      const requests = maxInWindow(
        log.map((e) => Date.parse(e.time)).sort((a, b) => a - b),
        60_000,
      );
      const batches = maxInWindow(
        log
          .filter((e) => e.path.includes("/batch"))
          .map((e) => Date.parse(e.time))
          .sort((a, b) => a - b),
        60_000,
      );
      if (requests / 500 > worst.requests / 500 || batches / 40 > worst.batches / 40)
        worst = {
          requests: Math.max(worst.requests, requests),
          batches: Math.max(worst.batches, batches),
        };
      const docs = realm.list("Invoice").map((x) => String(x["DocNumber"]));
      duplicates += docs.length - new Set(docs).size;
    }
    const times = [...doneAt.values()].map((ms) => ms / 1000).sort((a, b) => a - b);
    return {
      workers: o.workers,
      seconds,
      operations,
      throughput: operations / seconds,
      p50: percentile(times, 0.5),
      p95: percentile(times, 0.95),
      max: times[times.length - 1]!,
      rateFraction: Math.max(worst.requests / 500, worst.batches / 40),
      requestsPerMinuteMax: worst.requests,
      batchesPerMinuteMax: worst.batches,
      throttled,
      duplicates,
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    await Promise.all(
      children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once("exit", r)))),
    );
    await store.close();
    await qbo.close();
    const drop = new pg.Client({ connectionString: o.adminUrl });
    await drop.connect();
    await drop.query(`drop database if exists ${dbName} with (force)`);
    await drop.end();
  }
}

async function main(): Promise<void> {
  const adminUrl =
    textFlag("database-url") ??
    process.env["LEDGERLINK_BENCH_DATABASE_URL"] ??
    process.env["LEDGERLINK_TEST_DATABASE_URL"];
  if (!adminUrl) {
    console.error(
      "bench/scale needs PostgreSQL (workers run only on it): --database-url postgres://…, or LEDGERLINK_BENCH_DATABASE_URL",
    );
    process.exit(2);
  }
  const companies = flag("companies", 20);
  const invoices = flag("invoices", 200);
  const customers = flag("customers", 10);
  const concurrency = flag("concurrency", 4);
  const timeScale = flag("time-scale", 10);
  const counts = (textFlag("workers") ?? "1,2,4").split(",").map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--workers needs counts like 1,2,4, got ${s}`);
    return n;
  });
  const full = companies === FULL.companies && invoices === FULL.invoices;
  console.log(
    `scale: ${companies} companies × (${invoices} invoices + ${customers} customers + 1 item), workers ${counts.join(", ")} (concurrency ${concurrency} each), emulator at ${timeScale}× time; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  if (!full)
    console.log(
      `  NOT the issue's full size: that is --companies ${FULL.companies} --invoices ${FULL.invoices} (too long for this shared 2-core machine in one bench run)`,
    );

  const runs: RunFigures[] = [];
  for (const workers of counts) {
    const r = await runOnce({ adminUrl, workers, companies, customers, invoices, concurrency, timeScale });
    runs.push(r);
    console.log(
      `  ${workers} worker(s): ${r.operations} operations in ${r.seconds.toFixed(1)} s = ${r.throughput.toFixed(0)} ops/s; completion p50 ${r.p50.toFixed(1)} s, p95 ${r.p95.toFixed(1)} s, max ${r.max.toFixed(1)} s; busiest company ${r.requestsPerMinuteMax} requests and ${r.batchesPerMinuteMax} batch calls in one emulated minute (${r.rateFraction.toFixed(3)} of the limit); ${r.throttled} × 429, ${r.duplicates} duplicates`,
    );
  }

  const base = runs.find((r) => r.workers === 1) ?? runs[0]!;
  const round = (x: number, d = 2) => Number(x.toFixed(d));
  const figures: Figure[] = [];
  for (const r of runs) {
    const b = r === base ? null : base;
    const w = `${r.workers} worker${r.workers === 1 ? "" : "s"}`;
    figures.push(
      {
        name: `throughput, ${w}`,
        value: round(r.throughput, 1),
        unit: "operations/s",
        target: null,
        better: "higher",
        baseline: b && round(b.throughput, 1),
      },
      {
        name: `company completion p50, ${w}`,
        value: round(r.p50),
        unit: "s",
        target: null,
        better: "lower",
        baseline: b && round(b.p50),
      },
      {
        name: `company completion p95, ${w}`,
        value: round(r.p95),
        unit: "s",
        target: null,
        better: "lower",
        baseline: b && round(b.p95),
      },
      {
        name: `company completion max, ${w}`,
        value: round(r.max),
        unit: "s",
        target: null,
        better: "lower",
        baseline: b && round(b.max),
      },
      {
        name: `highest per-company rate / QBO limit, ${w}`,
        value: round(r.rateFraction, 3),
        unit: "fraction",
        target: 1,
        better: "lower",
        baseline: null,
      },
      {
        name: `429 answers, ${w}`,
        value: r.throttled,
        unit: "count",
        target: 0,
        better: "lower",
        baseline: null,
      },
      {
        name: `duplicate invoices in QBO, ${w}`,
        value: r.duplicates,
        unit: "count",
        target: 0,
        better: "lower",
        baseline: null,
      },
    );
  }
  writeResult("scale", figures);
  console.log(
    `ran at ${companies} companies × ${invoices} invoices${full ? " (the issue's full size)" : `; the issue's full size is --companies ${FULL.companies} --invoices ${FULL.invoices}`}`,
  );
}

// A worker process: `node scale.js --worker` with the worker's settings in its environment.
if (process.argv.includes("--worker")) {
  const worker = await startWorker(loadConfig(process.env), loadWorkerSettings(process.env));
  const stop = () => void worker.stop().then(() => process.exit(0));
  process.once("SIGTERM", stop).once("SIGINT", stop);
} else {
  await main();
}
