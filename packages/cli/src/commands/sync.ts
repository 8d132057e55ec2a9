import type { Command } from "commander";
import { parseRecordRef, recordRef, type RecordRef, type SyncPlan, type SyncResult } from "@ledgerlink/core";
import { NeedsReconnectError, syncCompany } from "@ledgerlink/server";
import { withConfigFlags, withContext } from "../cli-context.js";
import type { ConfigFlags } from "../cli-config.js";
import { exitCodes, UsageError } from "../exit-codes.js";
import { paint, printJson } from "../output-format.js";
import { phasedProgress, progressMode } from "../progress-bar.js";
import { countsText } from "../run-summary-text.js";

export interface SyncCliOptions extends ConfigFlags {
  dryRun?: boolean;
  json?: boolean;
  record: string[];
  progress?: boolean;
}

/** `ledgerlink plan --json` (and `sync --dry-run --json`): the plan without the bodies QBO would get. */
export interface PlanJson {
  company: string;
  dryRun: true;
  counts: SyncPlan["counts"];
  steps: {
    ref: string;
    action: string;
    reason: string;
    name: string | null;
    qboId: string | null;
    changes: { field: string; before: unknown; after: unknown }[];
    findings: { rule: string; severity: string; field?: string; message: string }[];
    match: { score: number; reasons: string[] } | null;
  }[];
  reviews: SyncPlan["reviews"];
  repairs: number;
}

/** Adds the flags `sync` and `plan` share. */
export function withSyncFlags(cmd: Command): Command {
  return withConfigFlags(cmd)
    .option(
      "--record <ref>",
      "sync only this record and what it needs (e.g. C:1042, INV:77); repeatable",
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option("--json", "print the result as JSON")
    .option("--progress", "print plain progress lines on stderr even when it is not a terminal")
    .option("--no-progress", "no progress display, even on a terminal");
}

/** `ledgerlink sync`: one sync of the configured company against the configured QBO. */
export function registerSync(program: Command): void {
  withSyncFlags(
    program
      .command("sync")
      .description("Sync the app's records to QuickBooks Online now, and print what was done")
      .option("--dry-run", "show the plan without writing anything (same as `ledgerlink plan`)"),
  )
    .addHelpText(
      "after",
      "\nExits 1 when a record failed or is blocked, 3 when QuickBooks needs reconnecting.\n\nExample:\n  $ ledgerlink sync --dry-run\n  $ ledgerlink sync --company acme --record C:1042\n  $ DATABASE_URL=postgres://… ledgerlink sync --json",
    )
    .action((opts: SyncCliOptions) => runSyncCommand(opts));
}

function onlyRefs(specs: readonly string[]): RecordRef[] | undefined {
  if (specs.length === 0) return undefined;
  return specs.map((s) => {
    const parsed = parseRecordRef(s);
    if (parsed === undefined)
      throw new UsageError(`--record ${s}: not a record reference; expected e.g. C:1042, ITEM:7, INV:77`);
    return recordRef(parsed.kind, parsed.id);
  });
}

/** Runs `sync` (or, with dryRun, `plan`) and prints it; sets the exit code. */
export async function runSyncCommand(opts: SyncCliOptions): Promise<void> {
  const only = onlyRefs(opts.record);
  // One display per phase: QBO's objects pulled (per entity), customers matched, operations sent.
  const bar = phasedProgress(progressMode(opts.progress));
  let started = false;
  const outcome = await withContext(opts, async ({ store, connections, companyId, clock, config }) => {
    try {
      const result = await syncCompany({
        store,
        connections,
        companyId,
        clock,
        environment: config.qbo.environment,
        ...(opts.dryRun ? { dryRun: true } : {}),
        ...(only ? { only } : {}),
        onProgress: (p) => {
          if (p.phase === "match") bar.update("match", p.done, p.total);
          // An entity QBO has none of is not worth a line.
          else if (p.fetched > 0 || (p.total ?? 0) > 0) bar.update(`pull ${p.entity}`, p.fetched, p.total);
        },
        onEvent: (e) => {
          if (e.type === "run-started") {
            started = true;
            bar.update("sync", 0, e.total);
          } else if (e.type === "progress" && started) bar.update("sync", e.done, e.total);
        },
      });
      return { companyId, result };
    } catch (err) {
      if (!(err instanceof NeedsReconnectError)) throw err;
      return { companyId, reconnect: err.message };
    } finally {
      bar.stop();
    }
  });
  if ("reconnect" in outcome) {
    console.error(`QuickBooks needs reconnecting: ${outcome.reconnect} (run \`ledgerlink connect\`)`);
    process.exitCode = exitCodes.needsReconnect;
    return;
  }
  const { companyId, result } = outcome;
  if (opts.dryRun) printPlan(companyId, result.plan, opts.json === true);
  else if (opts.json) printJson(result);
  else printRun(result);
  const problems = opts.dryRun
    ? result.plan.counts.blocked > 0
    : (result.run?.counts.failed ?? 0) + (result.run?.counts.blocked ?? 0) > 0;
  // QBO down outranks records to fix: the run could not finish, and trying again later is what helps.
  process.exitCode = result.run?.qboUnreachable
    ? exitCodes.qboUnreachable
    : problems
      ? exitCodes.errorsFound
      : exitCodes.ok;
}

function printPlan(companyId: string, plan: SyncPlan, json: boolean): void {
  if (json) {
    const out: PlanJson = {
      company: companyId,
      dryRun: true,
      counts: plan.counts,
      steps: plan.steps.map((s) => ({
        ref: s.ref,
        action: s.action,
        reason: s.reason,
        name: s.name ?? null,
        qboId: s.qboId ?? null,
        changes: (s.changes ?? []).map((c) => ({ field: c.field, before: c.before, after: c.after })),
        findings: (s.findings ?? []).map((f) => ({
          rule: f.rule.id,
          severity: f.severity,
          ...(f.field === undefined ? {} : { field: f.field }),
          message: f.message,
        })),
        match: s.match ?? null,
      })),
      reviews: plan.reviews,
      repairs: plan.repairs.length,
    };
    printJson(out);
    return;
  }
  console.log(`Plan for ${companyId} (dry run, nothing written):`);
  for (const s of plan.steps) {
    const colour = s.action === "blocked" ? "red" : s.action === "held" ? "yellow" : undefined;
    const action = colour ? paint(colour, s.action.padEnd(10)) : s.action.padEnd(10);
    console.log(`  ${action} ${s.ref.padEnd(12)} ${s.name ?? ""} — ${s.reason}`);
  }
  const parts = Object.entries(plan.counts)
    .filter(([, n]) => n > 0)
    .map(([action, n]) => `${n} ${action}`);
  console.log(`Total: ${parts.length > 0 ? parts.join(", ") : "nothing to do"}.`);
}

function printRun(result: SyncResult): void {
  const reasons = new Map(result.plan.steps.map((s) => [s.ref, s.reason]));
  for (const o of result.outcomes) {
    if (o.outcome === "skipped") continue;
    const what = o.failure
      ? paint("red", `FAILED${o.failure.code ? ` (QBO ${o.failure.code})` : ""}: ${o.failure.message}`)
      : o.outcome === "held" || o.outcome === "blocked"
        ? paint(o.outcome === "blocked" ? "red" : "yellow", `${o.outcome}: ${reasons.get(o.ref) ?? ""}`)
        : `${o.outcome}${o.qboId ? ` as QBO ${o.qboId}` : ""}`;
    console.log(`  ${o.ref.padEnd(12)} ${what}`);
  }
  const r = result.run!;
  console.log(`Sync ${r.status}: ${countsText(r.counts)}.`);
  // Why it stopped (QuickBooks unreachable, cancelled, needs reconnect), in the run's own words.
  if (r.note) console.log(r.qboUnreachable ? paint("red", r.note) : r.note);
}
