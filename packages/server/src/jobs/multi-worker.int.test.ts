/**
 * Four `ledgerlink worker` processes (the built CLI) share twenty companies, each its own QBO realm in
 * the emulator; one worker is killed with SIGKILL while it runs a company. Every company must end fully
 * synced, with no duplicate in QBO, and the emulator's per-realm request log must show that no company
 * ever went over QBO's limits (no 429 — the emulator answers 429 to any call over a limit — and no
 * sliding minute over 500 requests or 40 batch calls).
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { systemClock } from "@ledgerlink/core";
import { createEmulator, type EmulatorServer } from "@ledgerlink/emulator";
import { openStore, type Store } from "@ledgerlink/store";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { ConnectionService } from "../connection-service.js";
import { ingestRecords } from "../ingest-records.js";
import { PgBossQueue } from "./pg-boss-queue.js";

const pgUrl = process.env["LEDGERLINK_TEST_DATABASE_URL"];
// As testDatabases() does: in CI a missing PostgreSQL server fails the file instead of skipping it.
if (pgUrl === undefined && process.env["CI"])
  throw new Error("CI must run the PostgreSQL suites: set LEDGERLINK_TEST_DATABASE_URL (see .ci/run)");
const root = resolve(import.meta.dirname, "../../../..");
const bin = process.env["LEDGERLINK_CLI_BIN"] ?? join(root, "packages/cli/dist/bin.js");
const COMPANIES = 20;
const CUSTOMERS = 5;
const INVOICES = 60;
const TIME_SCALE = 5;
const WORKERS = 4;

describe.runIf(pgUrl !== undefined)("four worker processes, twenty companies, one worker killed", () => {
  const dbName = `ll_mw_${randomBytes(4).toString("hex")}`;
  const dbUrl = pgUrl!.replace(/\/[^/]*$/, `/${dbName}`);
  const emulator = createEmulator({ timeScale: TIME_SCALE, latencyMs: { min: 100, max: 400 } });
  let server: EmulatorServer;
  let store: Store;
  let queue: PgBossQueue;
  const workers: ChildProcess[] = [];
  const output: string[] = [];
  const realms = new Map<string, string>();
  const tokenKey = randomBytes(32).toString("base64");

  beforeAll(async () => {
    // The test drives the built CLI, as an operator would; build it if this checkout has not.
    if (!existsSync(bin)) execFileSync("npx", ["tsc", "-b", "packages/cli"], { cwd: root, stdio: "inherit" });
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    server = await emulator.listen({ host: "127.0.0.1", port: 0 });
    store = await openStore({ url: dbUrl });
    const env = {
      DATABASE_URL: dbUrl,
      QBO_ENVIRONMENT: "emulator",
      QBO_BASE_URL: server.url,
      LEDGERLINK_TOKEN_KEY: tokenKey,
    };
    const connections = new ConnectionService({ store, config: loadConfig(env), clock: systemClock });
    const at = new Date().toISOString();
    for (let c = 0; c < COMPANIES; c++) {
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
        Array.from({ length: CUSTOMERS }, (_, i) => ({
          id: `c${i}`,
          displayName: `Customer ${c}-${i}`,
          active: true,
        })),
        at,
      );
      await ingestRecords(
        company,
        "invoice",
        Array.from({ length: INVOICES }, (_, i) => ({
          id: `n${i}`,
          docNumber: `D-${i}`,
          customerId: `c${i % CUSTOMERS}`,
          txnDate: "2026-11-02",
          lines: [{ itemId: "svc", qty: "1", unitPrice: "10.00" }],
        })),
        at,
      );
      // Connect the company to its own realm (the emulator's consent page takes realmId).
      const nonce = `test-${id}`;
      const url = `${await connections.startConnect(id, nonce)}&realmId=${realm.id}`;
      const res = await fetch(url, { redirect: "manual" });
      await connections.completeConnect(res.headers.get("location")!, nonce);
    }
    queue = new PgBossQueue({ url: dbUrl, syncRunExpireSeconds: 10 });
    await queue.start();
    for (let c = 0; c < COMPANIES; c++)
      await queue.send("sync-run", { companyId: `co${c}`, trigger: "api" }, { singletonKey: `co${c}` });
    for (let w = 0; w < WORKERS; w++) {
      const child = spawn(process.execPath, [bin, "worker", "--concurrency", "2"], {
        env: {
          ...process.env,
          ...env,
          // Each worker its own "host": a dead one's companies are taken over through lease expiry,
          // as across machines, not through the same-host process check.
          LEDGERLINK_HOST_ID: `host-${w}`,
          LEDGERLINK_QBO_TIME_SCALE: String(TIME_SCALE),
          LEDGERLINK_SLICE_OPS: "25",
          LEDGERLINK_LEASE_TTL_MS: "4000",
          LEDGERLINK_JOB_EXPIRE_SECONDS: "10",
          LEDGERLINK_POLL_SECONDS: "0.5",
          LOG_LEVEL: "warn",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout!.on("data", (d: Buffer) => output.push(`[w${w}] ${d.toString()}`));
      child.stderr!.on("data", (d: Buffer) => output.push(`[w${w}] ${d.toString()}`));
      workers.push(child);
    }
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill("SIGTERM");
    await Promise.all(
      workers.map((w) =>
        w.exitCode !== null || w.signalCode !== null ? undefined : new Promise((r) => w.once("exit", r)),
      ),
    );
    await queue?.stop();
    await store?.close();
    await server?.close();
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }, 60_000);

  it("ends with every company synced once, within its QBO limits, after a worker is SIGKILLed mid-run", async () => {
    const sql = new pg.Client({ connectionString: dbUrl });
    await sql.connect();
    try {
      // Kill worker 0 while it holds a company's lease with a run under way.
      let victim: string | undefined;
      const deadline = Date.now() + 30_000;
      while (victim === undefined && Date.now() < deadline) {
        const r = await sql.query<{ company_id: string }>(
          `select r.company_id from sync_runs r join locks l on l.name = 'sync-lease:' || r.company_id
           where r.status = 'running' and l.holder like 'host-0:%'
             and exists (select 1 from sync_ops o where o.run_id = r.id and o.state in ('sent', 'confirmed')) limit 1`,
        );
        victim = r.rows[0]?.company_id;
        if (victim === undefined) await new Promise((res) => setTimeout(res, 50));
      }
      expect(victim, "worker 0 never held a company mid-run").toBeDefined();
      workers[0]!.kill("SIGKILL");

      const expectedLinks = 1 + CUSTOMERS + INVOICES;
      const done = async () => {
        const links = await sql.query<{ company_id: string; n: string }>(
          `select company_id, count(*) as n from links group by company_id`,
        );
        const running = await sql.query(`select 1 from sync_runs where status = 'running'`);
        const full = links.rows.filter((r) => Number(r.n) === expectedLinks).length;
        return full === COMPANIES && running.rowCount === 0;
      };
      const until = Date.now() + 70_000;
      while (!(await done())) {
        if (Date.now() > until)
          throw new Error(
            `not all companies synced in time: ${JSON.stringify(
              (
                await sql.query(
                  `select r.company_id, r.status, r.started_at, r.finished_at, r.summary::json->>'operations' as ops, (select count(*) from links k where k.company_id = r.company_id) as links
                   from sync_runs r order by r.company_id, r.started_at`,
                )
              ).rows,
            )}\n${output.join("").slice(-3000)}`,
          );
        await new Promise((res) => setTimeout(res, 500));
      }

      // The killed worker's run was recovered by another worker's run (status set by the recovery).
      const victimRuns = await sql.query<{ status: string }>(
        `select status from sync_runs where company_id = $1 order by started_at`,
        [victim],
      );
      expect(victimRuns.rows.map((r) => r.status)).toContain("interrupted");

      for (const [companyId, realmId] of realms) {
        const realm = emulator.realm(realmId);
        const names = realm.list("Customer").map((o) => String(o["DisplayName"]));
        const docs = realm.list("Invoice").map((o) => String(o["DocNumber"]));
        expect(new Set(names).size, `${companyId}: duplicate customers`).toBe(names.length);
        expect(names, companyId).toHaveLength(CUSTOMERS);
        expect(new Set(docs).size, `${companyId}: duplicate invoices`).toBe(docs.length);
        expect(docs, companyId).toHaveLength(INVOICES);

        const log = realm.requestLog;
        expect(log.length).toBeGreaterThan(0);
        expect(
          log.filter((e) => e.status === 429),
          `${companyId}: throttled`,
        ).toEqual([]);
        const maxIn = (times: number[]) => {
          let max = 0;
          for (let i = 0, j = 0; i < times.length; i++) {
            while (times[i]! - times[j]! >= 60_000) j++;
            max = Math.max(max, i - j + 1);
          }
          return max;
        };
        const all = log.map((e) => Date.parse(e.time)).sort((a, b) => a - b);
        const batches = log
          .filter((e) => e.path.includes("/batch"))
          .map((e) => Date.parse(e.time))
          .sort((a, b) => a - b);
        expect(maxIn(all), `${companyId}: requests in one minute`).toBeLessThanOrEqual(500);
        expect(maxIn(batches), `${companyId}: batch calls in one minute`).toBeLessThanOrEqual(40);
      }
    } finally {
      await sql.end();
    }
  }, 120_000);
});
