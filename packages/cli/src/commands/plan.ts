import type { Command } from "commander";
import { runSyncCommand, withSyncFlags, type SyncCliOptions } from "./sync.js";

/** `ledgerlink plan`: what the next sync would do, writing nothing (the view of `sync --dry-run`). */
export function registerPlan(program: Command): void {
  withSyncFlags(
    program
      .command("plan")
      .description(
        "Show what the next sync would do, without writing anything to QuickBooks or the database",
      ),
  )
    .addHelpText(
      "after",
      "\nExits 1 when the plan has blocked records.\n\nExample:\n  $ ledgerlink plan\n  $ ledgerlink plan --record C:1042 --json | jq '.steps[] | select(.action == \"blocked\")'",
    )
    .action((opts: SyncCliOptions) => runSyncCommand({ ...opts, dryRun: true }));
}
