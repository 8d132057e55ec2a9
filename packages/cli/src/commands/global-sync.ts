import type { Command } from "commander";
import type { GlobalSyncCreate, GlobalSyncPlan, GlobalSyncScope } from "@ledgerlink/core";
import {
  NeedsReconnectError,
  planCompanyGlobalSync,
  runCompanyGlobalSync,
  syncCompany,
} from "@ledgerlink/server";
import { withConfigFlags, withContext } from "../cli-context.js";
import type { ConfigFlags } from "../cli-config.js";
import { exitCodes } from "../exit-codes.js";
import { paint, printJson } from "../output-format.js";

type GlobalSyncCliOptions = ConfigFlags & { dryRun?: boolean; all?: boolean; json?: boolean };

/** `ledgerlink global-sync --json`: the plan (and, when run, what was written), without stored records. */
export interface GlobalSyncJson {
  company: string;
  dryRun: boolean;
  scope: GlobalSyncScope;
  counts: GlobalSyncPlan["counts"];
  creates: Omit<GlobalSyncCreate, "record">[];
  skipped: GlobalSyncPlan["skipped"];
  /** Records written (absent for a dry run). */
  created?: number;
  /** Look-alike pairs opened in Match review (absent for a dry run). */
  reviewsOpened?: number;
}

/**
 * `ledgerlink global-sync`: QBO customers and items that match nothing in the app brought into it (the
 * console's Integrations › Global sync, the same functions): pulled from QBO first, matched like a sync,
 * look-alikes sent to review, each one created with origin qbo and linked. Takes the company's sync lease.
 */
export function registerGlobalSync(program: Command): void {
  withConfigFlags(
    program
      .command("global-sync")
      .description(
        "Bring customers and items that exist only in QuickBooks into the app's records (origin qbo, linked)",
      ),
  )
    .option("--dry-run", "show what would be brought in, writing nothing")
    .option("--all", "inactive QuickBooks customers and items too (default: active ones only)")
    .option("--json", "print the plan or result as JSON")
    .addHelpText(
      "after",
      "\nLook-alikes of the app's customers go to Match review instead of being copied. Running it again\nchanges nothing. Exits 3 when QuickBooks needs reconnecting, 5 while a sync of the company runs.\n\nExample:\n  $ ledgerlink global-sync --dry-run\n  $ ledgerlink global-sync --all --json | jq .created",
    )
    .action(async (opts: GlobalSyncCliOptions) => {
      const scope: GlobalSyncScope = opts.all ? "all" : "active";
      const outcome = await withContext(opts, async ({ store, connections, companyId, clock, config }) => {
        const o = {
          store,
          companyId,
          scope,
          kinds: ["customer", "item"] as const,
          at: clock.now().toISOString(),
          clock,
          // QBO's lists brought up to date through the sync's dry run (its connection checks too).
          pull: () =>
            syncCompany({
              store,
              connections,
              companyId,
              clock,
              environment: config.qbo.environment,
              dryRun: true,
            }),
        };
        try {
          if (opts.dryRun) return { companyId, plan: await planCompanyGlobalSync(o) };
          const { created, reviewsOpened, ...plan } = await runCompanyGlobalSync(o);
          return { companyId, plan, created, reviewsOpened };
        } catch (err) {
          if (!(err instanceof NeedsReconnectError)) throw err;
          return { companyId, reconnect: err.message };
        }
      });
      if ("reconnect" in outcome) {
        console.error(`QuickBooks needs reconnecting: ${outcome.reconnect} (run \`ledgerlink connect\`)`);
        process.exitCode = exitCodes.needsReconnect;
        return;
      }
      const { plan } = outcome;
      const json: GlobalSyncJson = {
        company: outcome.companyId,
        dryRun: opts.dryRun === true,
        scope: plan.scope,
        counts: plan.counts,
        creates: plan.creates.map(({ record: _record, ...c }) => c),
        skipped: plan.skipped,
        ...(outcome.created === undefined ? {} : { created: outcome.created }),
        ...(outcome.reviewsOpened === undefined ? {} : { reviewsOpened: outcome.reviewsOpened }),
      };
      if (opts.json) printJson(json);
      else console.log(globalSyncText(json));
      process.exitCode = exitCodes.ok;
    });
}

function globalSyncText(g: GlobalSyncJson): string {
  const c = g.counts;
  const which = g.scope === "all" ? "active and inactive" : "active";
  const head = g.dryRun
    ? `Global sync of ${g.company} (dry run, ${which} QuickBooks records): ${c.create} to bring in`
    : `Global sync of ${g.company} (${which} QuickBooks records): ${paint("green", `${g.created ?? 0} brought in`)} (origin qbo, linked)`;
  const lines = [
    `${head}; ${c.matched} matched to the app's, ${c.review} to review, ${c.linked} already linked, ${c.skipped} left out.`,
    ...g.creates.map(
      (r) =>
        `  ${r.kind === "customer" ? "C" : "ITEM"}:${r.id}  ${r.name}  (QBO ${r.qboId}${r.parentId ? `, job of C:${r.parentId}` : ""}${r.active ? "" : ", inactive"})`,
    ),
  ];
  if (!g.dryRun && (g.reviewsOpened ?? 0) > 0)
    lines.push(`${g.reviewsOpened} look-alike pair(s) opened in Match review (ledgerlink review).`);
  if (g.dryRun && c.create > 0) lines.push("Run `ledgerlink global-sync` to bring them in.");
  return lines.join("\n");
}
