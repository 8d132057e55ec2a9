import type { Command } from "commander";
import { systemClock } from "@ledgerlink/core";
import { ConnectionService, loadConfig, NeedsReconnectError, syncCompany } from "@ledgerlink/server";
import { openStore } from "@ledgerlink/store";
import { exitCodes } from "../exit-codes.js";

interface SyncOptions {
  dryRun?: boolean;
  json?: boolean;
}

/** `ledgerlink sync`: one sync of the configured company against the configured QBO. */
export function registerSync(program: Command): void {
  program
    .command("sync")
    .description("Sync the app's records to QuickBooks Online now, and print what was done")
    .option("--dry-run", "show the plan without writing anything")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  $ ledgerlink sync --dry-run\n  $ DATABASE_URL=postgres://… ledgerlink sync --json",
    )
    .action(async (opts: SyncOptions) => {
      const config = loadConfig();
      const store = await openStore({ url: config.databaseUrl });
      try {
        await store.ensureCompany(config.company, config.company);
        const connections = new ConnectionService({ store, config, clock: systemClock });
        let result;
        try {
          result = await syncCompany({
            store,
            connections,
            companyId: config.company,
            clock: systemClock,
            environment: config.qbo.environment,
            ...(opts.dryRun ? { dryRun: true } : {}),
          });
        } catch (err) {
          if (!(err instanceof NeedsReconnectError)) throw err;
          console.error(`QuickBooks needs reconnecting: ${err.message}`);
          process.exitCode = exitCodes.needsReconnect;
          return;
        }
        if (opts.json) {
          console.log(JSON.stringify(result, null, 2));
        } else if (opts.dryRun) {
          console.log(`Plan for ${config.company} (dry run, nothing written):`);
          for (const s of result.plan)
            console.log(
              `  ${s.action.padEnd(7)} ${s.ref.padEnd(10)} ${s.payload.DisplayName ?? ""} — ${s.reason}`,
            );
        } else {
          for (const o of result.outcomes) {
            const what = o.ok
              ? `${o.action === "create" ? "created" : "updated"} as QBO customer ${o.qboId}`
              : `FAILED${o.code ? ` (QBO ${o.code})` : ""}: ${o.error}`;
            console.log(`  ${o.ref.padEnd(10)} ${what}`);
          }
          const r = result.run!;
          console.log(
            `Sync ${r.status}: ${r.created} created, ${r.updated} updated, ${r.skipped} unchanged, ${r.failed} failed.`,
          );
        }
        const failed = opts.dryRun
          ? result.plan.some((s) => s.action === "blocked")
          : (result.run?.failed ?? 0) > 0;
        process.exitCode = failed ? exitCodes.errorsFound : exitCodes.ok;
      } finally {
        await store.close();
      }
    });
}
