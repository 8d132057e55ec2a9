/**
 * The chaos run (issue 13): a company's customers and invoices synced while the emulator injects QBO's
 * real faults — 429s, 500/503s, timeouts, dropped connections, one revoked grant — the books are closed
 * part-way, and the runner is SIGKILLed at random moments. Afterwards QBO must hold exactly the expected
 * records (field by field), nothing twice, nothing lost, and every record not in QBO must be an open
 * problem with its fix. Everything random comes from one seed, so a failing run replays exactly.
 *
 * bench/chaos.ts runs it from the command line; packages/cli/src/chaos.int.test.ts runs it in CI when
 * LEDGERLINK_CHAOS=1. The runner it kills is bench/dist/chaos-runner.js (`ledgerlink sync` on an emulated
 * clock), so bench must be built first (`npx tsc -b && npx tsc -p bench/tsconfig.json`).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Clock } from "@ledgerlink/core";
import { createEmulator } from "@ledgerlink/emulator";
import { ConnectionService, errorItems, ingestRecords, loadConfig } from "@ledgerlink/server";
import { openStore, type Store } from "@ledgerlink/store";
import { runKillable, seededRandom } from "./kill-runner.js";

export interface ChaosOptions {
  seed: number;
  customers?: number;
  invoices?: number;
  /** SIGKILLs of the runner at random moments. */
  kills?: number;
  /** Emulated time runs this many times faster (a QBO timeout of 120 s takes 120/scale real s). */
  timeScale?: number;
  /** Gives up when the runs have not converged after this many. */
  maxRuns?: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  customers: number;
  invoices: number;
  ok: boolean;
  /** Why it failed, one line each (empty when ok). */
  failures: string[];
  runs: number;
  kills: number;
  reconnects: number;
  /** Runner exits that were neither a kill, a needs-reconnect nor a finished run (crashes). */
  crashes: number;
  converged: boolean;
  closingDate: string;
  /** Answers QBO gave, by HTTP status, over the whole run (injected and real). */
  answers: Record<string, number>;
  expectedInQbo: number;
  inQbo: number;
  duplicates: number;
  lost: number;
  mismatched: number;
  /** Invoices dated on or before the closing date that never reached QBO, each an open problem. */
  heldByClosingDate: number;
  openProblems: number;
  openWithoutFix: number;
  unexpectedOpen: number;
  wallSeconds: number;
}

const COMPANY = "chaos";
/** The books are closed through this date part-way through the run. */
const CLOSING_DATE = "2026-02-28";
const ITEMS = 20;

export function chaosDataset(customers: number, invoices: number) {
  const sites = Math.round(customers / 10);
  const items = Array.from({ length: ITEMS }, (_, i) => ({
    id: `i${i}`,
    name: `Service ${i}`,
    type: "NonInventory",
    unitPrice: `${20 + i}.00`,
  }));
  const customerRows = Array.from({ length: customers }, (_, i) =>
    i >= customers - sites
      ? {
          id: `c${i}`,
          parentId: `c${i - (customers - sites)}`,
          displayName: `Site ${i} of Customer ${i - (customers - sites)}`,
          active: true,
        }
      : { id: `c${i}`, displayName: `Customer ${i}`, email: `ap${i}@chaos.test`, active: true },
  );
  // Dates spread over ten months, so about a fifth fall on or before the closing date.
  const invoiceRows = Array.from({ length: invoices }, (_, i) => {
    const day = new Date(Date.UTC(2026, 0, 1 + ((i * 37) % 300)));
    return {
      id: `n${i}`,
      docNumber: `X-${i}`,
      customerId: `c${(i * 7) % customers}`,
      txnDate: day.toISOString().slice(0, 10),
      lines: [{ itemId: `i${i % ITEMS}`, qty: String(1 + (i % 3)), unitPrice: `${20 + (i % ITEMS)}.00` }],
    };
  });
  return { items, customers: customerRows, invoices: invoiceRows };
}

function runnerScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "chaos-runner.js"), join(here, "dist", "chaos-runner.js")];
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined)
    throw new Error(
      `the chaos runner is not built (looked for ${candidates.join(", ")}): run \`npx tsc -b && npx tsc -p bench/tsconfig.json\``,
    );
  return found;
}

/** QBO's answers by status, read incrementally from the emulator's request log (which it trims). */
class AnswerTally {
  readonly byStatus = new Map<number, number>();
  writes = 0;
  private last: object | undefined;
  constructor(private readonly log: () => readonly { method: string; status: number }[]) {}
  poll(): void {
    const log = this.log();
    let from = 0;
    if (this.last !== undefined) {
      const i = log.lastIndexOf(this.last as never);
      from = i + 1;
    }
    for (let i = from; i < log.length; i++) {
      const e = log[i]!;
      this.byStatus.set(e.status, (this.byStatus.get(e.status) ?? 0) + 1);
      if (e.method !== "GET") this.writes++;
    }
    if (log.length > 0) this.last = log[log.length - 1];
  }
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const nCustomers = o.customers ?? 2000;
  const nInvoices = o.invoices ?? 10_000;
  const plannedKills = o.kills ?? 10;
  const timeScale = o.timeScale ?? 30;
  const maxRuns = o.maxRuns ?? plannedKills + 30;
  const log = o.log ?? (() => undefined);
  const random = seededRandom(o.seed);
  const data = chaosDataset(nCustomers, nInvoices);
  const script = runnerScript();

  const emu = createEmulator({ timeScale, random: seededRandom(o.seed ^ 0x5bd1e995) });
  const server = await emu.listen({ host: "127.0.0.1" });
  const realm = emu.realm(emu.defaultRealmId);
  // The new company's own records (QBO makes a "Services" item): not ours, so not counted as in QBO.
  const seeded = realm.list("Item").length + realm.list("Customer").length + realm.list("Invoice").length;
  realm.setPreferences({ SalesFormsPrefs: { CustomTxnNumbers: true } });
  const dir = mkdtempSync(join(tmpdir(), "ledgerlink-chaos-"));
  const realStart = Date.now();
  const emulatedStart = realm.now().getTime();
  const clock: Clock = { now: () => new Date(emulatedStart + (Date.now() - realStart) * timeScale) };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(dir, "ll.db")}`,
    QBO_ENVIRONMENT: "emulator",
    QBO_BASE_URL: server.url,
    LEDGERLINK_COMPANY: COMPANY,
    LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 7).toString("base64"),
    LOG_LEVEL: "error",
    CHAOS_CLOCK: `${realStart},${emulatedStart},${timeScale}`,
  };
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await openStore({ url: env["DATABASE_URL"]! });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };

  try {
    await withStore(async (store) => {
      await store.ensureCompany(COMPANY, "Chaos Ltd");
      const company = store.company(COMPANY);
      const at = clock.now().toISOString();
      for (const [kind, rows] of [
        ["item", data.items],
        ["customer", data.customers],
        ["invoice", data.invoices],
      ] as const) {
        const r = await ingestRecords(company, kind, rows, at);
        if (r.rejected.length > 0)
          throw new Error(`chaos dataset rejected: ${JSON.stringify(r.rejected[0])}`);
      }
    });

    // The faults, drawn per request from the emulator's seeded generator; the grant is revoked once, at a
    // random point of the work (see killWhen below).
    realm.injectFault({ kind: "429", probability: 0.05 });
    realm.injectFault({ kind: "500", probability: 0.01 });
    realm.injectFault({ kind: "503", probability: 0.01 });
    realm.injectFault({ kind: "timeout", probability: 0.005 });
    realm.injectFault({ kind: "drop", probability: 0.005 });

    let changes = 0;
    emu.onChange(() => changes++);
    const totalWrites = data.items.length + data.customers.length + data.invoices.length;
    const closeAt = Math.floor(totalWrites * (0.25 + random() * 0.35));
    let closed = false;
    const revokeAt = Math.floor(totalWrites * (0.1 + random() * 0.5));
    let revoked = false;
    const tally = new AnswerTally(() => realm.requestLog);
    log(
      `chaos seed ${o.seed}: ${nCustomers} customers, ${nInvoices} invoices, ${plannedKills} kills, grant revoked after ${revokeAt} QBO writes, books closed through ${CLOSING_DATE} after ${closeAt} QBO writes, ${timeScale}× time`,
    );

    let runs = 0;
    let kills = 0;
    let reconnects = 0;
    let crashes = 0;
    let converged = false;
    const failures: string[] = [];
    while (runs < maxRuns) {
      runs++;
      const changesBefore = changes;
      const writesBefore = tally.writes;
      let killWhen: ((ms: number) => boolean) | undefined;
      let plan = "to the end";
      if (kills < plannedKills) {
        if (random() < 0.3) {
          // Early: while it recovers, pulls or plans.
          const afterMs = 100 + Math.floor(random() * 2500);
          killWhen = (ms) => ms >= afterMs;
          plan = `kill after ${afterMs} ms`;
        } else {
          const target = changes + 1 + Math.floor(random() * ((2 * totalWrites) / (plannedKills + 3)));
          killWhen = () => changes >= target;
          plan = `kill at QBO write ${target}`;
        }
      }
      const exit = await runKillable({
        script,
        env,
        pollMs: 2,
        killWhen: (ms) => {
          tally.poll();
          if (!closed && changes >= closeAt) {
            realm.setClosingDate(CLOSING_DATE);
            closed = true;
            log(`  books closed through ${CLOSING_DATE} at QBO write ${changes}`);
          }
          if (!revoked && changes >= revokeAt) {
            // The next request QBO sees revokes the grant (as a user disconnecting the app would).
            realm.injectFault({ kind: "revoke-token", after: 0, times: 1 });
            revoked = true;
            log(`  grant revoked at QBO write ${changes}`);
          }
          return killWhen?.(ms) ?? false;
        },
      });
      tally.poll();
      const wrote = changes - changesBefore;
      if (exit.killedMidRun) {
        kills++;
        log(`  run ${runs}: SIGKILLed (${plan}), ${wrote} records written this run, ${changes} in all`);
        continue;
      }
      const status = exit.stdout.trim().split("\n").at(-1) ?? "";
      if (exit.code === 3) {
        log(
          `  run ${runs}: needs reconnect (${status.slice(0, 160)}); reconnecting through the emulator's OAuth`,
        );
        await withStore(async (store) => {
          const connections = new ConnectionService({ store, config: loadConfig(env), clock, timeScale });
          await connections.connectToEmulatorAutomatically(COMPANY);
        });
        reconnects++;
        continue;
      }
      if (exit.code !== 0 && exit.code !== 1) {
        crashes++;
        failures.push(`run ${runs} crashed (exit ${exit.code}): ${exit.stderr.trim().slice(0, 600)}`);
        log(`  run ${runs}: CRASHED (exit ${exit.code}) ${exit.stderr.trim().slice(0, 600)}`);
        if (crashes >= 3) break;
        continue;
      }
      log(`  run ${runs}: finished, exit ${exit.code}, ${wrote} records written: ${status.slice(0, 200)}`);
      // Converged: every kill done, the books closed, and a whole run had nothing left to write.
      if (kills >= plannedKills && closed && tally.writes === writesBefore && wrote === 0) {
        converged = true;
        break;
      }
      if (!closed && kills >= plannedKills) {
        // The work finished before the books were closed: close them now, the next run must cope.
        realm.setClosingDate(CLOSING_DATE);
        closed = true;
        log(`  books closed through ${CLOSING_DATE} between runs`);
      }
    }
    if (!converged) failures.push(`did not converge: ${runs} runs, ${kills} kills`);
    if (kills < plannedKills) failures.push(`only ${kills} of ${plannedKills} kills landed mid-run`);
    if (reconnects === 0) failures.push("the revoked grant never surfaced as needs-reconnect");

    const verdict = await withStore((store) => verify(store, data, realm, seeded));
    failures.push(...verdict.failures);
    const report: ChaosReport = {
      seed: o.seed,
      customers: nCustomers,
      invoices: nInvoices,
      ok: failures.length === 0,
      failures,
      runs,
      kills,
      reconnects,
      crashes,
      converged,
      closingDate: CLOSING_DATE,
      answers: Object.fromEntries([...tally.byStatus].sort((a, b) => a[0] - b[0])),
      expectedInQbo: verdict.expectedInQbo,
      inQbo: verdict.inQbo,
      duplicates: verdict.duplicates,
      lost: verdict.lost,
      mismatched: verdict.mismatched,
      heldByClosingDate: verdict.heldByClosingDate,
      openProblems: verdict.openProblems,
      openWithoutFix: verdict.openWithoutFix,
      unexpectedOpen: verdict.unexpectedOpen,
      wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
    return report;
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Realm = ReturnType<ReturnType<typeof createEmulator>["realm"]>;

/** QBO against the expected state, record for record, and the open problems against what is missing. */
async function verify(store: Store, data: ReturnType<typeof chaosDataset>, realm: Realm, seeded: number) {
  const failures: string[] = [];
  const note = (what: string) => {
    if (failures.length < 20) failures.push(what);
  };
  const company = store.company(COMPANY);
  const links = await company.sync.listLinks();

  // Every open problem, as the Errors view shows it (explanation and fix buttons).
  const problems: Awaited<ReturnType<typeof errorItems>> = [];
  for (let cursor: string | undefined; ;) {
    const page = await company.api.problems.list({}, { limit: 500, ...(cursor ? { cursor } : {}) });
    problems.push(...(await errorItems(store, COMPANY, page.items)));
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  const openByRef = new Map<string, typeof problems>();
  for (const p of problems) openByRef.set(p.ref, [...(openByRef.get(p.ref) ?? []), p]);
  const openWithoutFix = problems.filter((p) => !p.fixes.some((f) => f.executable)).length;

  let duplicates = 0;
  let lost = 0;
  let mismatched = 0;
  let heldByClosingDate = 0;
  let expectedInQbo = 0;
  const explained = new Set<string>();
  const byId = (entity: "Customer" | "Invoice" | "Item") =>
    new Map(realm.list(entity).map((r) => [String(r["Id"]), r]));
  const countDup = (list: Record<string, unknown>[], key: string, entity: string) => {
    const seen = new Map<string, number>();
    for (const r of list) seen.set(String(r[key]), (seen.get(String(r[key])) ?? 0) + 1);
    for (const [k, n] of seen)
      if (n > 1) {
        duplicates += n - 1;
        note(`duplicate ${entity} ${k} × ${n}`);
      }
  };
  const customers = byId("Customer");
  const invoices = byId("Invoice");
  const items = byId("Item");
  countDup([...customers.values()], "DisplayName", "Customer");
  countDup([...invoices.values()], "DocNumber", "Invoice");
  countDup([...items.values()], "Name", "Item");

  const qboIdOf = (ref: string) => links.get(ref as never)?.qboId;
  const check = (ref: string, ok: boolean, what: string) => {
    if (!ok) {
      mismatched++;
      note(`${ref}: ${what}`);
    }
  };
  for (const it of data.items) {
    expectedInQbo++;
    const q = items.get(qboIdOf(`ITEM:${it.id}`) ?? "");
    if (!q) {
      lost++;
      note(`lost ITEM:${it.id}`);
      continue;
    }
    check(`ITEM:${it.id}`, q["Name"] === it.name, `Name ${String(q["Name"])}`);
  }
  for (const c of data.customers) {
    expectedInQbo++;
    const ref = `C:${c.id}`;
    const q = customers.get(qboIdOf(ref) ?? "");
    if (!q) {
      lost++;
      note(`lost ${ref}`);
      continue;
    }
    check(ref, q["DisplayName"] === c.displayName, `DisplayName ${String(q["DisplayName"])}`);
    check(ref, q["Active"] !== false, "inactive in QBO");
    if ("email" in c)
      check(
        ref,
        (q["PrimaryEmailAddr"] as { Address?: string } | undefined)?.Address === c.email,
        "email differs",
      );
    if ("parentId" in c)
      check(
        ref,
        (q["ParentRef"] as { value?: string } | undefined)?.value === qboIdOf(`C:${c.parentId}`),
        "not under its parent",
      );
  }
  for (const n of data.invoices) {
    const ref = `INV:${n.id}`;
    const q = invoices.get(qboIdOf(ref) ?? "");
    if (!q) {
      const open = openByRef.get(ref) ?? [];
      if (n.txnDate <= CLOSING_DATE && open.some((p) => p.category === "closed-period")) {
        heldByClosingDate++;
        explained.add(ref);
      } else {
        lost++;
        note(`lost ${ref} (${n.txnDate}; open: ${open.map((p) => p.category).join(",") || "none"})`);
      }
      continue;
    }
    expectedInQbo++;
    const line = n.lines[0]!;
    const amount = Number(line.qty) * Number(line.unitPrice);
    check(ref, q["DocNumber"] === n.docNumber, `DocNumber ${String(q["DocNumber"])}`);
    check(ref, q["TxnDate"] === n.txnDate, `TxnDate ${String(q["TxnDate"])}`);
    check(
      ref,
      (q["CustomerRef"] as { value?: string } | undefined)?.value === qboIdOf(`C:${n.customerId}`),
      "wrong customer",
    );
    check(ref, Number(q["TotalAmt"]) === amount, `TotalAmt ${String(q["TotalAmt"])} ≠ ${amount}`);
  }
  // Anything in QBO that no record is linked to is an extra copy.
  const linked = (prefix: string) =>
    new Set([...links.values()].filter((l) => l.ref.startsWith(prefix)).map((l) => l.qboId));
  for (const [entity, list, prefix] of [
    ["Customer", customers, "C:"],
    ["Invoice", invoices, "INV:"],
  ] as const) {
    const ids = linked(prefix);
    for (const id of list.keys())
      if (!ids.has(id)) {
        duplicates++;
        note(`${entity} ${id} in QBO is linked to no record`);
      }
  }
  const unexpected = problems.filter((p) => !explained.has(p.ref));
  const kinds = new Map<string, number>();
  for (const p of unexpected) {
    const k = `${p.source} ${p.category}${p.rule ? ` ${p.rule}` : ""}${p.qbo?.code ? ` QBO ${p.qbo.code}` : ""}`;
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  for (const [k, n] of kinds) note(`${n} unexpected open problems: ${k}`);
  for (const p of unexpected.slice(0, 3))
    note(`  e.g. ${p.ref}: ${p.message.slice(0, 160)} (fixes: ${p.fixes.map((f) => f.action).join(", ")})`);
  if (openWithoutFix > 0) {
    const kinds = new Map<string, number>();
    for (const p of problems.filter((p) => !p.fixes.some((f) => f.executable))) {
      const k = `${p.source} ${p.category}${p.qbo?.code ? ` QBO ${p.qbo.code}` : ""}`;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    note(
      `${openWithoutFix} open problems offer no fix: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(", ")}`,
    );
  }
  return {
    failures,
    duplicates,
    lost,
    mismatched,
    heldByClosingDate,
    expectedInQbo,
    inQbo: customers.size + invoices.size + items.size - seeded,
    openProblems: problems.length,
    openWithoutFix,
    unexpectedOpen: unexpected.length,
  };
}
