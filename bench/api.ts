/**
 * The HTTP API under load (issue 8): the server on SQLite holding 100,000 of the app's records, 40,000
 * QBO customers in the mirror and 10,000 open problems; autocannon (in its own process, so the load
 * generator does not share the server's event loop) drives the Errors view, smart search and status
 * with 1 connection (a request alone) and 10 (a busy console: one Node process and a synchronous SQLite
 * driver answer them in turn, so they queue). Target: p99 ≤ 50 ms for list and search pages, at both.
 * Baseline, measured in the same run over the same data: search as an unindexed LIKE scan of names and
 * the stored JSON.
 */
import { serve } from "@hono/node-server";
import {
  errorCategories,
  mirroredObjectFrom,
  recordRef,
  systemClock,
  type ErrorCategory,
  type Finding,
  type MirroredObject,
} from "@ledgerlink/core";
import { ConnectionService, createApp, ingestRecords, loadConfig } from "@ledgerlink/server";
import { openStore, type Store } from "@ledgerlink/store";
import autocannon from "autocannon";
import SQLite from "better-sqlite3";
import { Hono } from "hono";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { writeResult, type Figure } from "./write-result.js";

const COMPANY = "bench";
const CUSTOMERS = 60_000;
const ITEMS = 5_000;
const INVOICES = 35_000;
const QBO_CUSTOMERS = 40_000;
const PROBLEMS = 10_000;
const QBO_FAULTS = 500;
/** One office person clicking (latency of a request alone), and a busy console (requests queue up). */
const CONCURRENCY = [1, 10] as const;
const SECONDS = 10;

interface Load {
  name: string;
  url: string;
  paths: string[];
  /** The API key (the API refuses requests without one). */
  headers: Record<string, string>;
}
interface Measured {
  name: string;
  connections: number;
  p50: number;
  p99: number;
  rps: number;
  non2xx: number;
  errors: number;
}

/** The load generator: one autocannon run per endpoint, each after a short warm-up. */
async function drive(loads: Load[]): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const connections of CONCURRENCY)
    for (const load of loads) {
      const run = (duration: number) =>
        new Promise<autocannon.Result>((resolve, reject) =>
          autocannon(
            {
              url: load.url,
              connections,
              duration,
              requests: load.paths.map((path) => ({ method: "GET", path, headers: load.headers })),
            },
            (err, result) => (err ? reject(err) : resolve(result)),
          ),
        );
      await run(2);
      const r = await run(SECONDS);
      out.push({
        name: load.name,
        connections,
        p50: r.latency.p50,
        p99: r.latency.p99,
        rps: Math.round(r.requests.average),
        non2xx: r.non2xx,
        errors: r.errors,
      });
    }
  return out;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const surnames = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Hernandez",
  "Lopez",
  "Gonzalez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Taylor",
  "Moore",
  "Jackson",
  "Martin",
  "Lee",
  "Perez",
  "Thompson",
  "White",
  "Harris",
  "Sanchez",
  "Clark",
  "Ramirez",
  "Lewis",
  "Robinson",
];
const trades = [
  "Plumbing",
  "Heating",
  "Dental",
  "Bakery",
  "Electric",
  "Roofing",
  "Landscaping",
  "Auto Repair",
];
const pad = (n: number, w: number) => String(n).padStart(w, "0");

async function seed(store: Store): Promise<void> {
  const company = store.company(COMPANY);
  const rnd = lcg(7);
  const at = new Date().toISOString();
  const put = async (kind: Parameters<typeof ingestRecords>[1], rows: unknown[]) => {
    for (let i = 0; i < rows.length; i += 5000) {
      const r = await ingestRecords(company, kind, rows.slice(i, i + 5000), at);
      if (r.rejected.length > 0) throw new Error(`seed rejected: ${r.rejected[0]!.message}`);
    }
  };
  await put(
    "customer",
    Array.from({ length: CUSTOMERS }, (_, i) => {
      const surname = surnames[i % surnames.length]!;
      return {
        id: String(10_000 + i),
        displayName: `${surname} ${trades[i % trades.length]} ${i}`,
        email: `${surname.toLowerCase()}${i}@example.com`,
        phone: `555-${pad(Math.floor(i / 10_000), 3)}-${pad(i % 10_000, 4)}`,
        active: true,
      };
    }),
  );
  await put(
    "item",
    Array.from({ length: ITEMS }, (_, i) => ({
      id: `i${i}`,
      name: `Part ${i}`,
      type: "Service",
      unitPrice: "19.00",
    })),
  );
  await put(
    "invoice",
    Array.from({ length: INVOICES }, (_, i) => ({
      id: String(i),
      docNumber: `INV-${i}`,
      customerId: String(10_000 + Math.floor(rnd() * CUSTOMERS)),
      txnDate: "2026-10-01",
      lines: [{ itemId: `i${i % ITEMS}`, qty: "1", unitPrice: "19.00" }],
    })),
  );
  const mirror: MirroredObject[] = Array.from({ length: QBO_CUSTOMERS }, (_, i) => {
    const surname = surnames[(i * 7) % surnames.length]!;
    return mirroredObjectFrom("Customer", {
      Id: String(i + 1),
      SyncToken: "0",
      DisplayName: `${surname} & Sons ${i}`,
      PrimaryEmailAddr: { Address: `office${i}@${surname.toLowerCase()}.example` },
      PrimaryPhone: { FreeFormNumber: `(555) ${pad(i % 1000, 3)}-${pad(i, 4).slice(-4)}` },
      Active: i % 20 !== 0,
      MetaData: { LastUpdatedTime: "2026-10-01T00:00:00Z" },
    });
  });
  await company.qbo.upsertObjects(mirror);

  // 10,000 open problems: pre-flight findings of every category and QBO faults at run time.
  const findings: Finding[] = Array.from({ length: PROBLEMS - QBO_FAULTS }, (_, i) => {
    const category = errorCategories[i % 5] as ErrorCategory;
    return {
      ref: i % 3 === 0 ? recordRef("invoice", String(i)) : recordRef("customer", String(10_000 + i)),
      category,
      severity: "blocks",
      message: `Problem ${i} of category ${category}`,
      rule: { id: `bench.${category}`, text: "A rule QBO enforces.", source: "bench" },
      field: "displayName",
      fixes: [
        {
          action: "edit-field",
          label: "Correct it in the app",
          params: { field: "displayName" },
          safe: false,
        },
      ],
    };
  });
  await company.sync.replaceFindings("bench-run", findings, at);
  for (let i = 0; i < QBO_FAULTS; i++)
    await company.sync.failOp(
      {
        id: `op${i}`,
        runId: "bench-run",
        seq: i,
        ref: recordRef("customer", String(50_000 + i)),
        entity: "Customer",
        action: "create",
        state: "sent",
        requestId: `r${i}`,
        needs: [],
      },
      {
        category: "duplicate",
        code: "6240",
        message: "Duplicate Name Exists Error",
        detail: "The name supplied already exists.",
      },
      at,
    );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ledgerlink-bench-api-"));
  const file = join(dir, "bench.db");
  const store = await openStore({ url: `sqlite:${file}` });
  await store.ensureCompany(COMPANY, "Bench Co");
  const t0 = performance.now();
  await seed(store);
  if (process.env["BENCH_API_KEEP_DB"]) console.log(`database kept at ${file}`);
  console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const config = loadConfig({
    LEDGERLINK_COMPANY: COMPANY,
    QBO_BASE_URL: "http://127.0.0.1:9",
    LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 7).toString("base64"),
  });
  const connections = new ConnectionService({ store, config, clock: systemClock });
  // The API's own cost of authenticating each request is measured; its per-key rate limit would only
  // measure how fast 429s are answered.
  const app = createApp({ config, store, connections, clock: systemClock, rateLimit: false });
  const { key } = await store.auth.createApiKey({
    name: "bench",
    role: "read-only",
    companyId: COMPANY,
    createdBy: "bench/api",
    at: new Date().toISOString(),
  });
  const headers = { authorization: `Bearer ${key}` };

  // The baseline, served beside the API: what search costs without the indexes (a LIKE scan of names
  // and of the stored JSON, app records and QBO mirror), over the same connection type and data.
  const raw = new SQLite(file, { readonly: true });
  const naiveRecords = raw.prepare(
    `select kind, id, name from records where company_id = ? and deleted_at is null
       and (id = ? or lower(name) like ? or lower(data) like ?) limit 21`,
  );
  const naiveQbo = raw.prepare(
    `select entity, qbo_id from qbo_objects where company_id = ? and not deleted
       and (qbo_id = ? or lower(data) like ?) limit 21`,
  );
  const outer = new Hono();
  outer.get("/bench/naive-search", (c) => {
    const q = (c.req.query("q") ?? "").toLowerCase();
    const ref = q.includes(":") ? q.slice(q.indexOf(":") + 1) : q;
    const like = `%${q}%`;
    return c.json({
      items: [...naiveRecords.all(COMPANY, ref, like, like), ...naiveQbo.all(COMPANY, ref, like)],
    });
  });
  outer.all("*", (c) => app.fetch(c.req.raw));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: outer.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = `/api/v1/companies/${COMPANY}`;

  // A typical mix of what office staff type: references, names, emails, phones, a QBO Id, a word
  // inside names, and a name nobody has.
  const queries = [
    "C:10423",
    "INV:777",
    "smith",
    "Garcia Dental 1",
    "lopez4021@example.com",
    "office123@",
    "555-002-0042",
    "31337",
    "plumbing",
    "nobody-is-called-this",
  ];
  const loads: Load[] = [
    { name: "errors list", url, headers, paths: [`${api}/errors?limit=50`] },
    { name: "errors list, one category", url, headers, paths: [`${api}/errors?limit=50&category=mapping`] },
    { name: "search", url, headers, paths: queries.map((q) => `${api}/search?q=${encodeURIComponent(q)}`) },
    {
      name: "search baseline (unindexed LIKE scan)",
      url,
      headers,
      paths: queries.map((q) => `/bench/naive-search?q=${encodeURIComponent(q)}`),
    },
    { name: "status", url, headers, paths: ["/api/status"] },
  ];
  // Every answer must be a success before timing means anything.
  for (const load of loads)
    for (const path of load.paths) {
      const res = await fetch(`${url}${path}`, { headers });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    }

  if (process.env["BENCH_API_PROFILE"]) {
    for (const load of loads)
      for (const path of load.paths) {
        const t = performance.now();
        await fetch(`${url}${path}`, { headers });
        console.log(`${(performance.now() - t).toFixed(1)} ms  ${path}`);
      }
  }
  const generator = fork(fileURLToPath(import.meta.url), ["--load"]);
  const measured = await new Promise<Measured[]>((resolve, reject) => {
    generator.once("message", (m) => resolve(m as Measured[]));
    generator.once("error", reject);
    generator.once("exit", (code) => {
      if (code !== 0) reject(new Error(`the load generator exited with ${code}`));
    });
    generator.send(loads);
  });
  server.close();
  raw.close();
  await store.close();
  if (!process.env["BENCH_API_KEEP_DB"]) rmSync(dir, { recursive: true, force: true });

  console.log(
    `load average while measuring: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(", ")}`,
  );
  for (const m of measured)
    console.log(
      `${m.name} (${m.connections} conn): p50 ${m.p50} ms, p99 ${m.p99} ms, ${m.rps} req/s, non-2xx ${m.non2xx}, errors ${m.errors}`,
    );
  const failed = measured.filter((m) => m.non2xx > 0 || m.errors > 0);
  if (failed.length > 0)
    throw new Error(`requests failed under load: ${failed.map((m) => m.name).join(", ")}`);
  const get = (name: string, connections: number) =>
    measured.find((m) => m.name === name && m.connections === connections)!;
  const baselineName = "search baseline (unindexed LIKE scan)";
  const figures: Figure[] = [];
  for (const connections of CONCURRENCY)
    for (const name of ["errors list", "errors list, one category", "search", "status"]) {
      const m = get(name, connections);
      const base = name === "search" ? get(baselineName, connections) : undefined;
      const label = `${name}, ${connections} connection${connections === 1 ? "" : "s"}`;
      figures.push(
        {
          name: `${label}: p50`,
          value: m.p50,
          unit: "ms",
          target: null,
          better: "lower",
          baseline: base?.p50 ?? null,
        },
        {
          name: `${label}: p99`,
          value: m.p99,
          unit: "ms",
          target: 50,
          better: "lower",
          baseline: base?.p99 ?? null,
        },
        {
          name: `${label}: throughput`,
          value: m.rps,
          unit: "req/s",
          target: null,
          better: "higher",
          baseline: base?.rps ?? null,
        },
      );
    }
  writeResult("api", figures);
}

if (process.argv[2] === "--load") {
  // The load generator's own process (autocannon aggregates its figures only in a main thread).
  const loads = await new Promise<Load[]>((resolve) => process.once("message", (m) => resolve(m as Load[])));
  process.send!(await drive(loads), () => process.exit(0));
} else {
  await main();
}
