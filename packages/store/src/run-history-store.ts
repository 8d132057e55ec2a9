import type { ClassifiedFailure, SyncRunSummary } from "@ledgerlink/core";
import type { Kysely, Selectable } from "kysely";
import { decodeCursor, encodeCursor } from "./page-cursor.js";
import type { Database, SyncOpsTable, SyncRunsTable } from "./schema.js";

export interface RunOpRow {
  id: string;
  seq: number;
  ref: string;
  entity: string;
  action: string;
  state: string;
  qboId: string | null;
  requestId: string;
  needs: string[];
  error: ClassifiedFailure | null;
}

const emptyCounts = (row: Selectable<SyncRunsTable>): SyncRunSummary["counts"] => ({
  created: row.created,
  linked: 0,
  updated: row.updated,
  reactivated: 0,
  inactivated: 0,
  deleted: 0,
  skipped: row.skipped,
  held: 0,
  blocked: 0,
  failed: row.failed,
  pending: 0,
});

/** A run row as a summary: the JSON summary the engine saves, with the columns it updates on top. */
export function runSummaryOf(companyId: string, row: Selectable<SyncRunsTable>): SyncRunSummary {
  const base: SyncRunSummary = row.summary
    ? (JSON.parse(row.summary) as SyncRunSummary)
    : {
        id: row.id,
        companyId,
        trigger: (row.trigger as SyncRunSummary["trigger"] | undefined) ?? "manual",
        startedAt: row.started_at,
        status: "running",
        counts: emptyCounts(row),
        byEntity: {},
        operations: 0,
        calls: 0,
        throttleWaitMs: 0,
      };
  const out: SyncRunSummary = { ...base, status: row.status as SyncRunSummary["status"] };
  if (row.finished_at !== null) out.finishedAt = row.finished_at;
  else delete out.finishedAt;
  if (row.note !== null) out.note = row.note;
  return out;
}

/** Run history for the HTTP API: runs filtered and paged (newest first), a run's operations paged. */
export class RunHistoryStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  async listRuns(opts: {
    limit: number;
    cursor?: string;
    status?: string;
    trigger?: string;
  }): Promise<{ items: SyncRunSummary[]; nextCursor: string | null }> {
    let q = this.db.selectFrom("sync_runs").selectAll().where("company_id", "=", this.companyId);
    if (opts.status !== undefined) q = q.where("status", "=", opts.status);
    if (opts.trigger !== undefined) q = q.where("trigger", "=", opts.trigger);
    if (opts.cursor !== undefined) {
      const after = decodeCursor(opts.cursor, { t: "string", i: "string" });
      q = q.where((eb) =>
        eb.or([
          eb("started_at", "<", after.t),
          eb.and([eb("started_at", "=", after.t), eb("id", "<", after.i)]),
        ]),
      );
    }
    const rows = await q
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .limit(opts.limit + 1)
      .execute();
    const page = rows.slice(0, opts.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => runSummaryOf(this.companyId, r)),
      nextCursor:
        rows.length > opts.limit && last !== undefined
          ? encodeCursor({ t: last.started_at, i: last.id })
          : null,
    };
  }

  /** The run's operations counted by state (planned, sent, confirmed, failed, abandoned). */
  async opsByState(runId: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom("sync_ops")
      .select(["state", (eb) => eb.fn.countAll().as("n")])
      .where("company_id", "=", this.companyId)
      .where("run_id", "=", runId)
      .groupBy("state")
      .execute();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  async listOps(
    runId: string,
    opts: { limit: number; cursor?: string; state?: string; ref?: string },
  ): Promise<{ items: RunOpRow[]; nextCursor: string | null }> {
    let q = this.db
      .selectFrom("sync_ops")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("run_id", "=", runId);
    if (opts.state !== undefined) q = q.where("state", "=", opts.state);
    if (opts.ref !== undefined) q = q.where("ref", "=", opts.ref);
    if (opts.cursor !== undefined) q = q.where("seq", ">", decodeCursor(opts.cursor, { s: "number" }).s);
    const rows = await q
      .orderBy("seq")
      .limit(opts.limit + 1)
      .execute();
    const page = rows.slice(0, opts.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(opRow),
      nextCursor:
        rows.length > opts.limit && last !== undefined ? encodeCursor({ s: Number(last.seq) }) : null,
    };
  }
}

function opRow(r: Selectable<SyncOpsTable>): RunOpRow {
  return {
    id: r.id,
    seq: Number(r.seq),
    ref: r.ref,
    entity: r.entity,
    action: r.action,
    state: r.state,
    qboId: r.qbo_id,
    requestId: r.request_id,
    needs: JSON.parse(r.needs) as string[],
    error: r.error === null ? null : (JSON.parse(r.error) as ClassifiedFailure),
  };
}
