/**
 * `ledgerlink serve` runs scheduled syncs through the job interface: on SQLite an in-process queue fed
 * by a timer; on PostgreSQL only pg-boss's schedule-tick job, run one at a time by whichever process
 * takes it (the server itself or a worker), so the server and the workers never both fire a run.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmulator, type EmulatorServer } from "@ledgerlink/emulator";
import type { Store } from "@ledgerlink/store";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { ingestRecords } from "../ingest-records.js";
import { startServer, type RunningServer } from "../start-server.js";
import { startWorker, type RunningWorker } from "./worker.js";
import { loadWorkerSettings } from "./worker-settings.js";

const pgUrl = process.env["LEDGERLINK_TEST_DATABASE_URL"];
// As testDatabases() does: in CI a missing PostgreSQL server fails the file instead of skipping it.
if (pgUrl === undefined && process.env["CI"])
  throw new Error("CI must run the PostgreSQL suites: set LEDGERLINK_TEST_DATABASE_URL (see .ci/run)");
const fast = { pollSeconds: 0.5, leaseTtlMs: 5_000, concurrency: 2 };

function configFor(databaseUrl: string, qboUrl: string) {
  const dir = mkdtempSync(join(tmpdir(), "ledgerlink-jobs-"));
  return loadConfig({
    PORT: "0",
    DATABASE_URL: databaseUrl,
    LEDGERLINK_COMPANY: "acme",
    QBO_ENVIRONMENT: "emulator",
    QBO_BASE_URL: qboUrl,
    LEDGERLINK_TOKEN_KEY: randomBytes(32).toString("base64"),
    LEDGERLINK_KEY_FILE: join(dir, "token.key"),
    REPORT_DIR: join(dir, "reports"),
    LOG_LEVEL: "silent",
  });
}

/** A company due for its scheduled run: every 5 minutes, the next one a minute ago. */
async function dueCompany(store: Store, id: string): Promise<void> {
  const at = new Date().toISOString();
  await store.ensureCompany(id, id);
  await store.connections.saveSettings(id, true, { schedule: { mode: "every", everyMinutes: 5 } }, at);
  await store
    .company(id)
    .sync.saveSchedule(
      { mode: "every", everyMinutes: 5, nextRunAt: new Date(Date.now() - 60_000).toISOString() },
      at,
    );
  await ingestRecords(
    store.company(id),
    "customer",
    [1, 2, 3].map((n) => ({ id: `c${n}`, displayName: `${id} customer ${n}`, active: true })),
    at,
  );
}

const runsOf = async (store: Store, id: string) =>
  (await store.company(id).sync.listRunSummaries({ limit: 20 })).map((r) => ({
    trigger: r.trigger,
    status: r.status,
  }));

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const metricValue = (text: string, series: string): number => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
};

describe("the server's scheduled runs go through the in-process queue (sqlite)", () => {
  const emulator = createEmulator();
  let qbo: EmulatorServer;
  let server: RunningServer;

  beforeAll(async () => {
    qbo = await emulator.listen({ host: "127.0.0.1", port: 0 });
    const dir = mkdtempSync(join(tmpdir(), "ledgerlink-jobs-"));
    server = await startServer(configFor(`sqlite:${join(dir, "server.db")}`, qbo.url), {
      jobs: fast,
      scheduleTickMs: 200,
    });
  });
  afterAll(async () => {
    await server?.close();
    await qbo?.close();
  });

  it("runs a due company once, as a job, then mails its report; /metrics shows the jobs", async () => {
    expect(server.queue.kind).toBe("in-process");
    await dueCompany(server.store, "acme");
    await until("the scheduled run", async () =>
      (await runsOf(server.store, "acme")).some((r) => r.status === "succeeded"),
    );
    const names = emulator
      .realm(emulator.defaultRealmId)
      .list("Customer")
      .map((c) => String(c["DisplayName"]));
    expect(names.filter((n) => n.startsWith("acme customer")).sort()).toEqual([
      "acme customer 1",
      "acme customer 2",
      "acme customer 3",
    ]);
    // Over real HTTP from this machine (loopback: allowed without a token).
    const scrape = async () => (await fetch(`${server.url}/metrics`)).text();
    await until(
      "the report job",
      async () => metricValue(await scrape(), 'ledgerlink_jobs_total{job="report-email",outcome="ok"}') === 1,
    );
    // Many ticks later, still one run: the schedule moved on to five minutes from now.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await runsOf(server.store, "acme")).toEqual([{ trigger: "schedule", status: "succeeded" }]);
    const text = await scrape();
    expect(metricValue(text, 'ledgerlink_jobs_total{job="sync-run",outcome="ok"}')).toBe(1);
    expect(metricValue(text, 'ledgerlink_jobs_total{job="schedule-tick",outcome="ok"}')).toBeGreaterThan(3);
    expect(metricValue(text, 'ledgerlink_qbo_requests_total{status="200"}')).toBeGreaterThan(0);
    const ready = await fetch(`${server.url}/api/ready`);
    expect(await ready.json()).toMatchObject({
      ready: true,
      checks: { queue: { ok: true, kind: "in-process" } },
    });
  }, 40_000);
});

describe.runIf(pgUrl !== undefined)("the server and workers share one scheduler on postgres", () => {
  const dbName = `ll_sj_${randomBytes(4).toString("hex")}`;
  const dbUrl = pgUrl!.replace(/\/[^/]*$/, `/${dbName}`);
  const queueSchema = `pgboss_${randomBytes(4).toString("hex")}`;
  const emulator = createEmulator();
  let qbo: EmulatorServer;
  let server: RunningServer | undefined;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    qbo = await emulator.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    await qbo?.close();
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }, 60_000);

  it("the server starts no scheduler of its own; ticks queued by both run one at a time: one run", async () => {
    const config = configFor(dbUrl, qbo.url);
    // A server that only sends jobs (LEDGERLINK_SERVER_JOBS=off), as beside a fleet of workers.
    server = await startServer(config, { jobs: fast, takeJobs: false, queueSchema });
    expect(server.queue.kind).toBe("pg-boss");
    await dueCompany(server.store, "acme");

    const sql = new pg.Client({ connectionString: dbUrl });
    await sql.connect();
    try {
      // The one scheduler is pg-boss's cron, kept in the database for every process.
      const crons = await sql.query<{ name: string; cron: string }>(
        `select name, cron from ${queueSchema}.schedule`,
      );
      expect(crons.rows).toEqual([{ name: "schedule-tick", cron: "* * * * *" }]);

      // Two ticks waiting at once (e.g. a late one and the next): nobody takes jobs yet, nothing runs.
      await server.queue.send("schedule-tick", {});
      await server.queue.send("schedule-tick", {});
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await runsOf(server.store, "acme")).toEqual([]);
      expect((await server.queue.depth())["schedule-tick"].waiting).toBe(2);

      worker = await startWorker(config, { ...loadWorkerSettings({}), ...fast }, { queueSchema });
      await worker.queue.send("schedule-tick", {});
      await until("the scheduled run", async () =>
        (await runsOf(server!.store, "acme")).some((r) => r.status === "succeeded"),
      );
      await until("every tick done", async () => {
        const d = await server!.queue.depth();
        return d["schedule-tick"].waiting + d["schedule-tick"].active + d["sync-run"].waiting === 0;
      });
      expect(await runsOf(server.store, "acme")).toEqual([{ trigger: "schedule", status: "succeeded" }]);
      const names = emulator
        .realm(emulator.defaultRealmId)
        .list("Customer")
        .map((c) => String(c["DisplayName"]));
      expect(names.filter((n) => n.startsWith("acme customer"))).toHaveLength(3);
    } finally {
      await sql.end();
    }
  }, 60_000);
});
