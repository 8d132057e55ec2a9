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
          for (const s of result.plan.steps)
            console.log(`  ${s.action.padEnd(10)} ${s.ref.padEnd(12)} ${s.name ?? ""} — ${s.reason}`);
          console.log(planTotals(result.plan.counts));
        } else {
          const reasons = new Map(result.plan.steps.map((s) => [s.ref, s.reason]));
          for (const o of result.outcomes) {
            if (o.outcome === "skipped") continue;
            const what = o.failure
              ? `FAILED${o.failure.code ? ` (QBO ${o.failure.code})` : ""}: ${o.failure.message}`
              : o.outcome === "held" || o.outcome === "blocked"
                ? `${o.outcome}: ${reasons.get(o.ref) ?? ""}`
                : `${o.outcome}${o.qboId ? ` as QBO ${o.qboId}` : ""}`;
            console.log(`  ${o.ref.padEnd(12)} ${what}`);
          }
          const r = result.run!;
          const c = r.counts;
          console.log(
            `Sync ${r.status}: ${c.created} created, ${c.linked} linked, ${c.updated} updated, ${c.skipped} unchanged, ${c.held} held, ${c.blocked} blocked, ${c.failed} failed${c.pending ? `, ${c.pending} awaiting confirmation` : ""}.`,
          );
        }
        const problems = opts.dryRun
          ? result.plan.counts.blocked > 0
          : (result.run?.counts.failed ?? 0) + (result.run?.counts.blocked ?? 0) > 0;
        process.exitCode = problems ? exitCodes.errorsFound : exitCodes.ok;
      } finally {
        await store.close();
      }
    });
}

function planTotals(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([action, n]) => `${n} ${action}`);
  return `Total: ${parts.length > 0 ? parts.join(", ") : "nothing to do"}.`;
}
