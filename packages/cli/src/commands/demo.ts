import { existsSync, renameSync, rmSync } from "node:fs";
import type { Command } from "commander";
import { createEmulator, demoCompanySeed } from "@ledgerlink/emulator";
import { linksMissingFromQbo, loadConfig, loadDemoData, startServer, syncCompany } from "@ledgerlink/server";
import { dialectOf, openStore } from "@ledgerlink/store";
import { systemClock } from "@ledgerlink/core";

/** `ledgerlink demo` (what `npm start` runs): the emulator, the server and the console, together. */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("Start the demo: the QBO emulator, the server and the console on embedded SQLite")
    .option("--reset", "start over: delete the demo's SQLite database first (nothing else)")
    .addHelpText("after", "\nExamples:\n  $ PORT=3000 ledgerlink demo\n  $ npm start -- --reset")
    .action(async (opts: { reset?: boolean }) => {
      const config = loadConfig();
      const started = Date.now();
      if (opts.reset) resetDemoDatabase(config.databaseUrl);
      // The QBO side of the demo company, as a bookkeeper typed it in by hand (seed articles' failures).
      const emu = createEmulator({ seed: demoCompanySeed });
      if (!opts.reset)
        await setAsideIfQboForgot(config.databaseUrl, config.company, emu.realm(emu.defaultRealmId));
      const emulator = await emu.listen({ port: config.emulatorPort, host: "127.0.0.1" });
      const server = await startServer({
        ...config,
        qbo: { ...config.qbo, environment: "emulator", baseUrl: emulator.url },
      });
      // The emulator's consent page needs no person: connect the demo company through real OAuth. The
      // emulator keeps its tokens in memory, so a grant saved by an earlier run is unknown to it: connect
      // on every start, not only the first.
      await server.connections.connectToEmulatorAutomatically(config.company);
      // The app side of the demo company, once: through the ingest path, then a first pull and plan,
      // so the console opens on the Ready-To-Sync queue, the match review and the problems to fix.
      const company = server.store.company(config.company);
      const fresh = (await company.counts()).customers === 0;
      if (!fresh)
        console.log(
          `Kept the demo database of an earlier run (${config.databaseUrl}): nothing it sent to QuickBooks is ` +
            `missing from the emulator's company. Start both over with "npm start -- --reset".`,
        );
      if (fresh) {
        const loaded = await loadDemoData(company);
        await syncCompany({
          store: server.store,
          connections: server.connections,
          companyId: config.company,
          clock: systemClock,
          environment: "emulator",
          dryRun: true,
          trigger: "manual",
        });
        console.log(
          `Loaded the demo company: ${loaded.customers} customers and sites, ${loaded.items} items, ` +
            `${loaded.invoices} invoices, ${loaded.payments} payments; QBO pulled and the first sync planned ` +
            `(${((Date.now() - started) / 1000).toFixed(1)} s).`,
        );
      }
      // A fresh database got a generated admin: shown this once (only its hash is kept), with an API
      // key for the curl example below.
      const signIn = server.firstAdmin
        ? `  sign in as:    ${server.firstAdmin.email} / ${server.firstAdmin.password}  (shown once; you choose your own password when you first sign in)\n`
        : `  sign in as:    the admin printed when this database was first started (or run with --reset)\n`;
      const demoKey = server.firstAdmin
        ? (
            await server.store.auth.createApiKey({
              name: "demo",
              role: "admin",
              companyId: null,
              createdBy: "ledgerlink demo",
              at: new Date().toISOString(),
            })
          ).key
        : "<an API key: create one as admin with POST /api/v1/auth/keys>";
      console.log(`Ledgerlink demo is running.
  console:       ${server.url}
  QBO emulator:  ${emulator.url} (realm ${emu.defaultRealmId}; its data: ${emulator.url}/_emulator/realms/${emu.defaultRealmId}/view)
  database:      ${config.databaseUrl}
${signIn}What to try first (the seed articles' problems; docs/first-sync.md walks through them):
  1. Open the console and press Sync Now. About 3,700 records go to QuickBooks in batches of 30 within
     QBO's limits (about two minutes); the ones held back or waiting for a person are in Errors, each
     with its reason. "Acme Plumbing, Inc." is linked to QBO's "Acme Plumbing Inc" (seed 001: same
     name once punctuation and "Inc" are set aside, same phone), not created a second time.
  2. Errors > Duplicates: "Big Duplicating Co." (C:1042) was typed into QBO by hand (another email)
     and is the same customer: Link. Maple Street Apartments, Unit 4B, John Smith ("Smith, John") and
     Harbor Dental and Coastal Bakery (QBO's inactive copies) wait in match review: "Same customer:
     link them".
  3. Rivera Landscaping is a supplier in QBO, Dana Lee an employee, Smith Plumbing another business:
     Rename each with one of the proposals.
  4. Mapping: Annual Inspection and Extended Warranty have no income account: use "Services".
  5. Closed books: date the three December 2025 invoices 2026-01-01. Duplicates: invoice 20101 was typed
     into QBO by hand (Link); 20417 is a credit memo's number (Renumber).
  6. Sync Now again and fix what it uncovers (Reactivate the inactive customer and item; Link Acme's
     invoice 1002 typed into QBO by hand and the card payment ch_1002 another integration recorded)
     until Errors is empty. Reports has the post-sync
     report and the unmatched-customers CSV export. Start over with: npm start -- --reset
  The same over the HTTP API, in another terminal:
    curl -H 'authorization: Bearer ${demoKey}' ${server.url}/api/v1/companies/${config.company}/errors
Stop with Ctrl-C.`);
      const stop = () => void Promise.all([server.close(), emulator.close()]).then(() => process.exit(0));
      process.once("SIGINT", stop).once("SIGTERM", stop);
    });
}

/**
 * A restart keeps the database but not QuickBooks (the emulator holds it in memory and starts again from
 * its seed): when the database links records to QuickBooks objects the emulator no longer has, the
 * demo starts over, keeping the earlier database beside it, rather than show them as synced.
 */
async function setAsideIfQboForgot(
  databaseUrl: string,
  companyId: string,
  realm: Parameters<typeof linksMissingFromQbo>[1],
): Promise<void> {
  const postgres = dialectOf(databaseUrl) === "postgres";
  const file = sqliteFile(databaseUrl);
  if (!postgres && (file === undefined || !existsSync(file))) return;
  const store = await openStore({ url: databaseUrl });
  let missing: string[];
  try {
    missing = await linksMissingFromQbo(store.company(companyId), realm);
  } finally {
    await store.close();
  }
  if (missing.length === 0) return;
  const what =
    `${missing.length} record${missing.length === 1 ? "" : "s"} an earlier run sent to QuickBooks ` +
    `(${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""}) ` +
    `${missing.length === 1 ? "is" : "are"} not in the emulator's company, which starts from its seed each time`;
  if (file === undefined) {
    // PostgreSQL (an in-memory database returned above).
    console.log(
      `Warning: ${what}. The demo does not reset PostgreSQL: drop its tables, or use the SQLite default.`,
    );
    return;
  }
  const aside = `${file}.before-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  for (const suffix of sqliteFileSuffixes)
    if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${aside}${suffix}`);
  console.log(`Started the demo over: ${what}. The earlier database is kept as ${aside}.`);
}

/**
 * `--reset`: deletes the embedded database the demo runs on (and SQLite's journal files beside it),
 * nothing else. A PostgreSQL database is never dropped: the demo did not create it.
 */
function resetDemoDatabase(databaseUrl: string): void {
  if (dialectOf(databaseUrl) === "postgres")
    throw new Error(
      "--reset only deletes the demo's embedded SQLite database; DATABASE_URL names PostgreSQL",
    );
  const file = sqliteFile(databaseUrl);
  if (file === undefined) return;
  for (const f of sqliteFileSuffixes.map((suffix) => `${file}${suffix}`))
    if (existsSync(f)) {
      rmSync(f);
      console.log(`Deleted ${f}`);
    }
}

/** The database file and SQLite's journal files beside it, by suffix. */
const sqliteFileSuffixes = ["", "-wal", "-shm", "-journal"] as const;

/** The embedded database's file; undefined for PostgreSQL and in-memory databases. */
function sqliteFile(databaseUrl: string): string | undefined {
  if (dialectOf(databaseUrl) === "postgres") return undefined;
  const file = databaseUrl.replace(/^sqlite:/, "");
  return file === ":memory:" ? undefined : file;
}
