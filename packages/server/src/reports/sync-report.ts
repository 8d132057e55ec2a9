import { errorCategories, errorCategoryTitles, type Clock, type SyncRunSummary } from "@ledgerlink/core";
import type { ReportError, ReportRepair, Store } from "@ledgerlink/store";
import { loadCompanyState } from "./company-state.js";
import { duplicateGroups } from "./duplicate-groups.js";
import type { ReportCounts, ReportRepairLine, ReportRun, SyncReport } from "./report-schema.js";
import { unmatchedCustomers, type UnmatchedEntry } from "./unmatched-customers.js";

/** A report and the unmatched customers behind it (whose import rows the CSV export and email attach). */
export interface BuiltReport {
  report: SyncReport;
  unmatched: UnmatchedEntry[];
}

interface ReportInput {
  store: Store;
  companyId: string;
  clock: Clock;
}

/**
 * The report of one run: its counts, the problems open when it ended, its auto-repairs; and, as of now,
 * the unmatched customers and the duplicates on both sides. Throws the store's RunNotFoundError.
 */
export async function buildRunReport(o: ReportInput & { runId: string }): Promise<BuiltReport> {
  const company = o.store.company(o.companyId);
  const run = await company.sync.getRun(o.runId);
  const generatedAt = o.clock.now().toISOString();
  const asOf = run.finishedAt ?? generatedAt;
  const [errors, repairs] = await Promise.all([
    company.reports.errorsOpenAt(asOf),
    company.reports.repairsOfRun(run.id),
  ]);
  return assemble(o, { kind: "run", runId: run.id }, generatedAt, asOf, [run], errors, repairs);
}

/** The report of a period [from, to): the runs that started in it, summed; problems open at its end. */
export async function buildPeriodReport(o: ReportInput & { from: string; to: string }): Promise<BuiltReport> {
  const company = o.store.company(o.companyId);
  const generatedAt = o.clock.now().toISOString();
  const asOf = o.to < generatedAt ? o.to : generatedAt;
  const [runs, errors, repairs] = await Promise.all([
    company.reports.runsBetween(o.from, o.to),
    company.reports.errorsOpenAt(asOf),
    company.reports.repairsBetween(o.from, o.to),
  ]);
  return assemble(o, { kind: "period", from: o.from, to: o.to }, generatedAt, asOf, runs, errors, repairs);
}

/**
 * The report of a run cut into slices (each slice its own run): every run from the first slice's start
 * to the last slice's end, summed, as one report.
 */
export async function buildSlicedRunReport(
  o: ReportInput & { runId: string; since: string },
): Promise<BuiltReport> {
  const last = await o.store.company(o.companyId).sync.getRun(o.runId);
  // Runs are taken by their start, [from, to): the last slice started before it finished.
  const end = Date.parse(last.finishedAt ?? o.clock.now().toISOString()) + 1;
  return buildPeriodReport({ ...o, from: o.since, to: new Date(end).toISOString() });
}

async function assemble(
  o: ReportInput,
  scope: SyncReport["scope"],
  generatedAt: string,
  asOf: string,
  runs: SyncRunSummary[],
  errors: ReportError[],
  repairs: ReportRepair[],
): Promise<BuiltReport> {
  const company = o.store.company(o.companyId);
  const [companies, state] = await Promise.all([
    o.store.listCompanies(),
    loadCompanyState(o.store, o.companyId),
  ]);
  // Unmatched customers are described as of now, so their reasons use the problems open now.
  const errorsNow = asOf === generatedAt ? errors : await company.reports.errorsOpenAt(generatedAt);
  const unmatched = unmatchedCustomers(state, errorsNow);
  const nameOfCustomer = new Map(state.customers.map((c) => [c.id, c.displayName]));

  const counts = zeroCounts();
  const reportRuns: ReportRun[] = runs.map((r) => {
    const line: ReportRun = {
      id: r.id,
      trigger: r.trigger,
      status: r.status,
      startedAt: r.startedAt,
      counts: countsOf(r),
    };
    if (r.finishedAt !== undefined) line.finishedAt = r.finishedAt;
    if (r.note !== undefined) line.note = r.note;
    for (const k of Object.keys(counts) as (keyof ReportCounts)[]) counts[k] += line.counts[k];
    return line;
  });

  const perCategory = new Map<string, number>();
  for (const e of errors) perCategory.set(e.category, (perCategory.get(e.category) ?? 0) + 1);
  const known = errorCategories as readonly string[];
  const byCategory = [...perCategory.entries()]
    // The product's category order (duplicates first), then any category it does not know yet.
    .sort(([a], [b]) => rank(known, a) - rank(known, b) || (a < b ? -1 : 1))
    .map(([category, count]) => ({
      category,
      title: (errorCategoryTitles as Record<string, string>)[category] ?? category,
      count,
    }));

  const report: SyncReport = {
    company: { id: o.companyId, name: companies.find((c) => c.id === o.companyId)?.name ?? o.companyId },
    scope,
    generatedAt,
    asOf,
    runs: reportRuns,
    counts,
    errors: {
      total: errors.length,
      byCategory,
      items: errors.map((e) => ({
        ref: e.ref,
        name: e.name,
        source: e.source,
        category: e.category,
        code: e.code,
        message: e.message,
        detail: e.detail,
        field: e.field,
        runId: e.runId,
        since: e.createdAt,
      })),
    },
    review: {
      total: state.reviewItems.length,
      items: state.reviewItems.map((item) => ({
        ref: item.ref,
        name: nameOfCustomer.get(item.localId) ?? null,
        qboId: item.qboId,
        qboName: state.qboCustomers.get(item.qboId)?.DisplayName ?? null,
        score: item.score,
        reasons: item.reasons,
      })),
    },
    unmatched: {
      total: unmatched.length,
      exportable: unmatched.filter((u) => u.importRow !== undefined).length,
      customers: unmatched.map((u) => u.summary),
    },
    duplicates: duplicateGroups(state),
    autoRepairs: repairs.map(repairLine),
  };
  return { report, unmatched };
}

const rank = (known: readonly string[], category: string): number => {
  const i = known.indexOf(category);
  return i === -1 ? known.length : i;
};

function zeroCounts(): ReportCounts {
  return {
    linked: 0,
    created: 0,
    updated: 0,
    reactivated: 0,
    inactivated: 0,
    deleted: 0,
    skipped: 0,
    held: 0,
    blocked: 0,
    failed: 0,
  };
}

function countsOf(run: SyncRunSummary): ReportCounts {
  const c = zeroCounts();
  for (const k of Object.keys(c) as (keyof ReportCounts)[]) c[k] = run.counts[k] ?? 0;
  return c;
}

function repairLine(r: ReportRepair): ReportRepairLine {
  const d = r.detail;
  const line: ReportRepairLine = {
    at: r.at,
    ref: r.ref,
    action: r.action,
    summary: typeof d["summary"] === "string" ? d["summary"] : r.action,
  };
  if (typeof d["field"] === "string") line.field = d["field"];
  if ("before" in d) line.before = d["before"];
  if ("after" in d) line.after = d["after"];
  return line;
}
