import type { Command } from "commander";
import { errorCategoryTitles, type ErrorCategory, type SyncRunSummary } from "@ledgerlink/core";
import type { ConnectionState } from "@ledgerlink/server";
import type { CompanyCounts } from "@ledgerlink/store";
import { withConfigFlags, withContext } from "../cli-context.js";
import type { ConfigFlags } from "../cli-config.js";
import { exitCodes } from "../exit-codes.js";
import { paint, printJson } from "../output-format.js";
import { runLine } from "../run-summary-text.js";

/** `ledgerlink status --json`: a stable shape, documented in the README. */
export interface StatusJson {
  company: string;
  connection: ConnectionState;
  counts: CompanyCounts;
  problems: { total: number; byCategory: { category: string; title: string; count: number }[] };
  review: { open: number };
  lastRun: SyncRunSummary | null;
}

/** `ledgerlink status`: the connection, the counts, the open problems and the last run, at a glance. */
export function registerStatus(program: Command): void {
  withConfigFlags(
    program
      .command("status")
      .description("Show the QuickBooks connection, record counts, open problems and the last sync"),
  )
    .option("--json", "print the status as JSON")
    .addHelpText(
      "after",
      "\nExits 3 when QuickBooks needs reconnecting, 0 otherwise.\n\nExample:\n  $ ledgerlink status\n  $ ledgerlink status --company acme --json | jq .connection.state",
    )
    .action(async (opts: ConfigFlags & { json?: boolean }) => {
      const status = await withContext(opts, async ({ store, companyId, connections }) => {
        const company = store.company(companyId);
        const [connection, counts, problems, review, runs] = await Promise.all([
          connections.status(companyId),
          company.counts(),
          company.api.problems.list({}, { limit: 0 }),
          company.api.problems.list({ source: "review" }, { limit: 0 }),
          company.sync.listRunSummaries({ limit: 1 }),
        ]);
        const json: StatusJson = {
          company: companyId,
          connection,
          counts,
          problems: {
            total: problems.total,
            byCategory: problems.groups.map((g) => ({
              category: g.category,
              title: errorCategoryTitles[g.category as ErrorCategory] ?? g.category,
              count: g.count,
            })),
          },
          review: { open: review.total },
          lastRun: runs[0] ?? null,
        };
        return json;
      });
      if (opts.json) printJson(status);
      else console.log(statusText(status));
      process.exitCode =
        status.connection.state === "needs-reconnect" ? exitCodes.needsReconnect : exitCodes.ok;
    });
}

function statusText(s: StatusJson): string {
  const c = s.connection;
  const state =
    c.state === "connected"
      ? paint("green", "connected")
      : paint(c.state === "needs-reconnect" ? "red" : "yellow", c.state);
  const lines = [
    `Company:             ${s.company}`,
    `QuickBooks:          ${state} (${c.environment}${c.realmId ? `, realm ${c.realmId}` : ""})${c.reason ? ` — ${c.reason}` : ""}`,
    `Customers:           ${s.counts.customers} (${s.counts.linkedCustomers} linked to QuickBooks)`,
    `Open problems:       ${s.problems.total === 0 ? "none" : paint("red", String(s.problems.total))}`,
    ...s.problems.byCategory.map((g) => `  ${g.title}: ${g.count}`),
    `Waiting for review:  ${s.review.open}`,
    `Last sync:           ${s.lastRun ? runLine(s.lastRun) : "never"}`,
  ];
  return lines.join("\n");
}
