import {
  recordRef,
  syncKinds,
  type ClassifiedFailure,
  type Customer,
  type Finding,
  type ItemRecord,
  type InvoiceRecord,
  type CreditMemoRecord,
  type PaymentRecord,
  type OutboxOp,
  type QboPayload,
  type QueueHold,
  type RecordLink,
  type RecordRef,
  type SyncKind,
  type SyncRunSummary,
} from "@ledgerlink/core";
import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import { insertAuditEvent } from "./audit-event.js";
import { newId } from "./ids.js";
import { writeOutboundEvents } from "./outbound-store.js";
import { blockedEvents, refusedEvent, runEndEvents, syncedEvents } from "./outbound-sync-events.js";
import { runSummaryOf } from "./run-history-store.js";
import type { Database, SyncOpsTable } from "./schema.js";

/** What the store contributes to a sync's inputs (the QBO mirror and review decisions come from beside it). */
export interface RecordInputs {
  records: {
    customers: Customer[];
    items: ItemRecord[];
    invoices: InvoiceRecord[];
    creditMemos: CreditMemoRecord[];
    payments: PaymentRecord[];
  };
  deleted: { kind: SyncKind; id: string }[];
  links: Map<RecordRef, RecordLink>;
  holds: QueueHold[];
}

export interface ScheduleSetting {
  mode: "manual" | "every" | "daily" | "on-change";
  everyMinutes?: number | undefined;
  /** "HH:MM" in `timeZone` (an IANA name), for "daily". */
  dailyAt?: string | undefined;
  timeZone?: string | undefined;
  nextRunAt?: string | undefined;
}

export class RunNotFoundError extends Error {
  override readonly name = "RunNotFoundError";
  constructor(readonly runId: string) {
    super(`No sync run ${runId} in this company`);
  }
}

const CHUNK = 500;
const leaseName = (companyId: string): string => `sync-lease:${companyId}`;
const prefixOfKind: Record<SyncKind, string> = {
  customer: "C",
  item: "ITEM",
  invoice: "INV",
  creditMemo: "CM",
  payment: "PMT",
};
const kindOfPrefix = new Map(Object.entries(prefixOfKind).map(([k, p]) => [p, k as SyncKind]));

/** Splits `INV:77` into the links table's (entity, local_id): entity is the record kind. */
export function linkKey(ref: RecordRef): { entity: string; localId: string } {
  const i = ref.indexOf(":");
  return { entity: kindOfPrefix.get(ref.slice(0, i)) ?? ref.slice(0, i), localId: ref.slice(i + 1) };
}

/**
 * The sync engine's persistence for one company: inputs, the outbox, runs, the run lease, findings,
 * queue holds and the schedule. Every query is scoped by company here.
 */
export class SyncEngineStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  // ---- inputs --------------------------------------------------------------------------------

  async loadRecordInputs(): Promise<RecordInputs> {
    const rows = await this.db
      .selectFrom("records")
      .select(["kind", "id", "data", "deleted_at"])
      .where("company_id", "=", this.companyId)
      .orderBy("kind")
      .orderBy("id")
      .execute();
    const records: RecordInputs["records"] = {
      customers: [],
      items: [],
      invoices: [],
      creditMemos: [],
      payments: [],
    };
    const deleted: RecordInputs["deleted"] = [];
    const listOf: Record<SyncKind, unknown[]> = {
      customer: records.customers,
      item: records.items,
      invoice: records.invoices,
      creditMemo: records.creditMemos,
      payment: records.payments,
    };
    for (const r of rows) {
      const kind = r.kind as SyncKind;
      if (!syncKinds.includes(kind)) continue;
      if (r.deleted_at !== null) deleted.push({ kind, id: r.id });
      else listOf[kind].push(JSON.parse(r.data));
    }
    return { records, deleted, links: await this.listLinks(), holds: await this.listHolds() };
  }

  async listLinks(): Promise<Map<RecordRef, RecordLink>> {
    const rows = await this.db
      .selectFrom("links")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .execute();
    const out = new Map<RecordRef, RecordLink>();
    for (const r of rows) {
      const ref = `${prefixOfKind[r.entity as SyncKind] ?? r.entity}:${r.local_id}` as RecordRef;
      out.set(ref, {
        ref,
        qboId: r.qbo_id,
        syncToken: r.sync_token,
        fingerprint: r.fingerprint,
        lastSyncedAt: r.last_synced_at,
      });
    }
    return out;
  }

  /**
   * Saves links known from elsewhere (an integration being replaced already knows which QBO record is
   * which). A fingerprint of "" makes the next sync compare and send the app's data.
   */
  async saveLinks(links: readonly RecordLink[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const link of links) await upsertLink(trx, this.companyId, link);
    });
  }

  /**
   * Follows a QBO-side merge: the record's link now names the survivor. The fingerprint is kept, so an
   * unchanged record is not pushed over the survivor's data.
   */
  async repointLink(
    ref: RecordRef,
    toQboId: string,
    syncToken: string,
    actor: string,
    at: string,
  ): Promise<void> {
    const { entity, localId } = linkKey(ref);
    await this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom("links")
        .select("qbo_id")
        .where("company_id", "=", this.companyId)
        .where("entity", "=", entity)
        .where("local_id", "=", localId)
        .executeTakeFirst();
      if (!before) return;
      await trx
        .updateTable("links")
        .set({ qbo_id: toQboId, sync_token: syncToken })
        .where("company_id", "=", this.companyId)
        .where("entity", "=", entity)
        .where("local_id", "=", localId)
        .execute();
      await insertAuditEvent(trx, this.companyId, {
        at,
        actor,
        ref,
        action: "link.repointed",
        detail: { before: { qboId: before.qbo_id }, after: { qboId: toQboId }, why: "merged in QuickBooks" },
      });
    });
  }

  /** Records a problem QBO's side raised for a record (a merge to decide, a deletion made there). */
  async raiseProblem(
    ref: RecordRef,
    problem: { category: ClassifiedFailure["category"]; code: string; message: string; detail?: string },
    at: string,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("sync_errors")
        .set({ resolved_at: at })
        .where("company_id", "=", this.companyId)
        .where("ref", "=", ref)
        .where("code", "=", problem.code)
        .where("resolved_at", "is", null)
        .execute();
      await trx
        .insertInto("sync_errors")
        .values({
          id: newId(),
          company_id: this.companyId,
          run_id: "",
          ref,
          local_id: linkKey(ref).localId,
          category: problem.category,
          code: problem.code,
          message: problem.message,
          detail: problem.detail ?? null,
          element: null,
          created_at: at,
          resolved_at: null,
          source: "qbo",
        })
        .execute();
    });
  }

  // ---- lease ---------------------------------------------------------------------------------

  async acquireLease(holder: string, ttlMs: number, now: Date): Promise<boolean> {
    const name = leaseName(this.companyId);
    await this.db
      .deleteFrom("locks")
      .where("name", "=", name)
      .where("expires_at", "<", now.toISOString())
      .execute();
    const r = await this.db
      .insertInto("locks")
      .values({ name, holder, expires_at: new Date(now.getTime() + ttlMs).toISOString() })
      .onConflict((oc) => oc.column("name").doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 1) return true;
    // Re-entrant for the same holder (a runner that restarts its loop keeps its lease).
    return this.renewLease(holder, ttlMs, now);
  }

  async renewLease(holder: string, ttlMs: number, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable("locks")
      .set({ expires_at: new Date(now.getTime() + ttlMs).toISOString() })
      .where("name", "=", leaseName(this.companyId))
      .where("holder", "=", holder)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async releaseLease(holder: string): Promise<void> {
    await this.db
      .deleteFrom("locks")
      .where("name", "=", leaseName(this.companyId))
      .where("holder", "=", holder)
      .execute();
  }

  /** Who holds the company's run lease now, if anyone (for status pages). */
  async leaseHolder(now: Date): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("locks")
      .select(["holder", "expires_at"])
      .where("name", "=", leaseName(this.companyId))
      .executeTakeFirst();
    return row && row.expires_at > now.toISOString() ? row.holder : undefined;
  }

  // ---- runs ----------------------------------------------------------------------------------

  async startRun(run: SyncRunSummary): Promise<void> {
    await this.db
      .insertInto("sync_runs")
      .values({
        id: run.id,
        company_id: this.companyId,
        started_at: run.startedAt,
        finished_at: run.finishedAt ?? null,
        status: run.status,
        created: run.counts.created,
        updated: run.counts.updated,
        skipped: run.counts.skipped,
        failed: run.counts.failed,
        trigger: run.trigger,
        summary: JSON.stringify(run),
        note: run.note ?? null,
      })
      .execute();
  }

  async saveRun(run: SyncRunSummary): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // run.completed once: when this save moves the run out of "running".
      const before = await trx
        .selectFrom("sync_runs")
        .select("status")
        .where("company_id", "=", this.companyId)
        .where("id", "=", run.id)
        .executeTakeFirst();
      await trx
        .updateTable("sync_runs")
        .set({
          finished_at: run.finishedAt ?? null,
          status: run.status,
          created: run.counts.created,
          updated: run.counts.updated,
          skipped: run.counts.skipped,
          failed: run.counts.failed,
          summary: JSON.stringify(run),
          note: run.note ?? null,
        })
        .where("company_id", "=", this.companyId)
        .where("id", "=", run.id)
        .execute();
      if (before?.status === "running" && run.status !== "running")
        await writeOutboundEvents(
          trx,
          this.companyId,
          runEndEvents(run),
          run.finishedAt ?? new Date().toISOString(),
        );
    });
  }

  async listUnfinishedRuns(): Promise<SyncRunSummary[]> {
    const rows = await this.db
      .selectFrom("sync_runs")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("status", "=", "running")
      .execute();
    return rows.map((r) => runSummaryOf(this.companyId, r));
  }

  /** Runs newest first; `before` is the `startedAt` of the last run of the previous page. */
  async listRunSummaries(opts: { limit?: number; before?: string } = {}): Promise<SyncRunSummary[]> {
    let q = this.db.selectFrom("sync_runs").selectAll().where("company_id", "=", this.companyId);
    if (opts.before !== undefined) q = q.where("started_at", "<", opts.before);
    const rows = await q
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .limit(opts.limit ?? 20)
      .execute();
    return rows.map((r) => runSummaryOf(this.companyId, r));
  }

  async getRun(runId: string): Promise<SyncRunSummary> {
    const row = await this.db
      .selectFrom("sync_runs")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("id", "=", runId)
      .executeTakeFirst();
    if (!row) throw new RunNotFoundError(runId);
    return runSummaryOf(this.companyId, row);
  }

  /** Asks a running run to stop after the calls in flight; false when it is not running. */
  async requestCancel(runId: string, at: string): Promise<boolean> {
    await this.getRun(runId);
    const r = await this.db
      .updateTable("sync_runs")
      .set({ cancel_requested_at: at })
      .where("company_id", "=", this.companyId)
      .where("id", "=", runId)
      .where("status", "=", "running")
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async cancelRequested(runId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("sync_runs")
      .select("cancel_requested_at")
      .where("company_id", "=", this.companyId)
      .where("id", "=", runId)
      .executeTakeFirst();
    return row?.cancel_requested_at != null;
  }

  // ---- outbox --------------------------------------------------------------------------------

  async insertOps(ops: readonly OutboxOp[]): Promise<void> {
    if (ops.length === 0) return;
    const at = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < ops.length; i += CHUNK) {
        await trx
          .insertInto("sync_ops")
          .values(
            ops.slice(i, i + CHUNK).map((op) => ({
              id: op.id,
              company_id: this.companyId,
              run_id: op.runId,
              seq: op.seq,
              ref: op.ref,
              entity: op.entity,
              action: op.action,
              state: op.state,
              request_id: op.requestId,
              batch_key: op.batchKey ?? null,
              payload: op.payload === undefined ? null : JSON.stringify(op.payload),
              fingerprint: op.fingerprint ?? null,
              qbo_id: op.qboId ?? null,
              sync_token: op.syncToken ?? null,
              needs: JSON.stringify(op.needs),
              error: null,
              updated_at: at,
            })),
          )
          .execute();
      }
    });
  }

  async markSent(
    ops: readonly { id: string; batchKey: string; payload: QboPayload }[],
    at: string,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const op of ops) {
        await trx
          .updateTable("sync_ops")
          .set({ state: "sent", batch_key: op.batchKey, payload: JSON.stringify(op.payload), updated_at: at })
          .where("company_id", "=", this.companyId)
          .where("id", "=", op.id)
          .execute();
      }
    });
  }

  /**
   * A QBO call's answer in one transaction: the ops it carried out confirmed and linked, those it refused
   * failed with their errors. A runner killed half-way through recording an answer would leave the rest
   * "sent", and re-sending only those makes another batch, with another requestid, which QBO carries out
   * again (6140 for invoices it has).
   */
  async settleOps(
    answer: {
      confirmed: readonly { op: OutboxOp; link: RecordLink | null }[];
      failed: readonly { op: OutboxOp; failure: ClassifiedFailure }[];
    },
    at: string,
  ): Promise<void> {
    if (answer.confirmed.length === 0 && answer.failed.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      if (answer.confirmed.length > 0) await this.confirmIn(trx, answer.confirmed, at);
      for (const { op, failure } of answer.failed) await this.failIn(trx, op, failure, at);
    });
  }

  confirmOps(items: readonly { op: OutboxOp; link: RecordLink | null }[], at: string): Promise<void> {
    return this.settleOps({ confirmed: items, failed: [] }, at);
  }

  failOp(op: OutboxOp, failure: ClassifiedFailure, at: string): Promise<void> {
    return this.settleOps({ confirmed: [], failed: [{ op, failure }] }, at);
  }

  private async confirmIn(
    trx: Transaction<Database>,
    items: readonly { op: OutboxOp; link: RecordLink | null }[],
    at: string,
  ): Promise<void> {
    // A handful of statements per call, not three per record: this commit follows every QBO call, and
    // at QBO's limits its cost decides how fast a lane can send the next batch.
    for (let i = 0; i < items.length; i += CHUNK) {
      const part = items.slice(i, i + CHUNK);
      const byId = (value: (item: (typeof part)[number]) => string | null) =>
        sql<string | null>`case ${sql.join(
          part.map((item) => sql`when id = ${item.op.id} then ${value(item)}`),
          sql` `,
        )} end`;
      await trx
        .updateTable("sync_ops")
        .set({
          state: "confirmed",
          qbo_id: byId(({ op, link }) => link?.qboId ?? op.qboId ?? null),
          sync_token: byId(({ link }) => link?.syncToken ?? null),
          updated_at: at,
        })
        .where("company_id", "=", this.companyId)
        .where(
          "id",
          "in",
          part.map(({ op }) => op.id),
        )
        .execute();
      await upsertLinks(
        trx,
        this.companyId,
        part.flatMap(({ link }) => (link ? [link] : [])),
      );
      for (const { op, link } of part) {
        if (link || op.action !== "delete") continue;
        const { entity, localId } = linkKey(op.ref);
        await trx
          .deleteFrom("links")
          .where("company_id", "=", this.companyId)
          .where("entity", "=", entity)
          .where("local_id", "=", localId)
          .execute();
      }
      await trx
        .updateTable("sync_errors")
        .set({ resolved_at: at })
        .where("company_id", "=", this.companyId)
        .where("ref", "in", [...new Set(part.map(({ op }) => op.ref))])
        .where("resolved_at", "is", null)
        .execute();
    }
    // The business app hears of each confirmed write in the same commit (outbound events).
    await writeOutboundEvents(trx, this.companyId, syncedEvents(items), at);
  }

  private async failIn(
    trx: Transaction<Database>,
    op: OutboxOp,
    failure: ClassifiedFailure,
    at: string,
  ): Promise<void> {
    await trx
      .updateTable("sync_ops")
      .set({ state: "failed", error: JSON.stringify(failure), updated_at: at })
      .where("company_id", "=", this.companyId)
      .where("id", "=", op.id)
      .execute();
    // The business app hears of a refusal once while it stays open: a retry refused the same way is
    // not news; a different refusal, or the same one after the record was fixed and broke again, is.
    const before = await trx
      .selectFrom("sync_errors")
      .select(["category", "code", "message"])
      .where("company_id", "=", this.companyId)
      .where("ref", "=", op.ref)
      .where("source", "=", "qbo")
      .where("resolved_at", "is", null)
      .execute();
    const stillOpen = before.some(
      (e) =>
        e.category === failure.category &&
        e.code === (failure.code ?? null) &&
        (failure.code !== undefined || e.message === failure.message),
    );
    // One open run-time error per record: the latest replaces the one before.
    await trx
      .updateTable("sync_errors")
      .set({ resolved_at: at })
      .where("company_id", "=", this.companyId)
      .where("ref", "=", op.ref)
      .where("source", "=", "qbo")
      .where("resolved_at", "is", null)
      .execute();
    await trx
      .insertInto("sync_errors")
      .values({
        id: newId(),
        company_id: this.companyId,
        run_id: op.runId,
        ref: op.ref,
        local_id: linkKey(op.ref).localId,
        category: failure.category,
        code: failure.code ?? null,
        message: failure.message,
        detail: failure.detail ?? null,
        element: failure.element ?? null,
        created_at: at,
        resolved_at: null,
        source: "qbo",
      })
      .execute();
    if (!stillOpen) await writeOutboundEvents(trx, this.companyId, [refusedEvent(op, failure)], at);
  }

  async unfinishedOps(): Promise<OutboxOp[]> {
    const rows = await this.db
      .selectFrom("sync_ops")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("state", "in", ["planned", "sent"])
      .orderBy("seq")
      .execute();
    return rows.map(toOp);
  }

  async abandonOps(ids: readonly string[], at: string): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await this.db
        .updateTable("sync_ops")
        .set({ state: "abandoned", updated_at: at })
        .where("company_id", "=", this.companyId)
        .where("id", "in", ids.slice(i, i + CHUNK))
        .execute();
    }
  }

  async lastSentPayload(ref: RecordRef): Promise<QboPayload | undefined> {
    const row = await this.db
      .selectFrom("sync_ops")
      .select("payload")
      .where("company_id", "=", this.companyId)
      .where("ref", "=", ref)
      .where("state", "=", "confirmed")
      .where("payload", "is not", null)
      .orderBy("updated_at", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!row?.payload) return undefined;
    const { Id: _id, SyncToken: _t, sparse: _s, ...fields } = JSON.parse(row.payload) as QboPayload;
    return fields;
  }

  /** The bodies last confirmed for these records (the three-way check's bases), by ref. */
  async lastSentPayloads(refs: readonly RecordRef[]): Promise<Map<RecordRef, QboPayload>> {
    const out = new Map<RecordRef, QboPayload>();
    for (let i = 0; i < refs.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom("sync_ops")
        .select(["ref", "payload", "updated_at"])
        .where("company_id", "=", this.companyId)
        .where("ref", "in", refs.slice(i, i + CHUNK))
        .where("state", "=", "confirmed")
        .where("payload", "is not", null)
        .orderBy("updated_at")
        .execute();
      for (const r of rows) {
        // Ascending: the latest confirmed body wins.
        const { Id: _id, SyncToken: _t, sparse: _s, ...fields } = JSON.parse(r.payload!) as QboPayload;
        out.set(r.ref as RecordRef, fields);
      }
    }
    return out;
  }

  /** A run's operations in plan order (what was sent, confirmed, failed). */
  async listOps(runId: string): Promise<OutboxOp[]> {
    const rows = await this.db
      .selectFrom("sync_ops")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("run_id", "=", runId)
      .orderBy("seq")
      .execute();
    return rows.map(toOp);
  }

  // ---- findings --------------------------------------------------------------------------------

  async replaceFindings(runId: string, findings: readonly Finding[], at: string): Promise<void> {
    const key = (ref: string, rule: string | null, field: string | null, message: string): string =>
      `${ref}\u0000${rule ?? ""}\u0000${field ?? ""}\u0000${message}`;
    await this.db.transaction().execute(async (trx) => {
      const open = await trx
        .selectFrom("sync_errors")
        .select(["id", "ref", "rule", "field", "message"])
        .where("company_id", "=", this.companyId)
        .where("source", "=", "preflight")
        .where("resolved_at", "is", null)
        .execute();
      const openByKey = new Map(open.map((r) => [key(r.ref, r.rule, r.field, r.message), r.id]));
      const keep = new Set<string>();
      const inserts = [];
      for (const f of findings) {
        const k = key(f.ref, f.rule.id, f.field ?? null, f.message);
        if (keep.has(k)) continue;
        keep.add(k);
        if (openByKey.has(k)) continue; // still open: keep its id, so links to it stay valid
        inserts.push({
          id: newId(),
          company_id: this.companyId,
          run_id: runId,
          ref: f.ref,
          local_id: linkKey(f.ref).localId,
          category: f.category,
          code: null,
          message: f.message,
          detail: f.rule.text,
          element: null,
          created_at: at,
          resolved_at: null,
          source: "preflight",
          severity: f.severity,
          rule: f.rule.id,
          field: f.field ?? null,
          fixes: JSON.stringify(f.fixes),
        });
      }
      const gone = open.filter((r) => !keep.has(key(r.ref, r.rule, r.field, r.message))).map((r) => r.id);
      for (let i = 0; i < gone.length; i += CHUNK) {
        await trx
          .updateTable("sync_errors")
          .set({ resolved_at: at })
          .where("company_id", "=", this.companyId)
          .where("id", "in", gone.slice(i, i + CHUNK))
          .execute();
      }
      for (let i = 0; i < inserts.length; i += 200)
        await trx
          .insertInto("sync_errors")
          .values(inserts.slice(i, i + 200))
          .execute();
      // A record blocked before sending is not sent this run, so what QBO said about it on an earlier
      // send (a refusal, a revoked grant) no longer describes it: the finding is what must be fixed.
      const blocked = [...new Set(findings.filter((f) => f.severity === "blocks").map((f) => f.ref))];
      for (let i = 0; i < blocked.length; i += CHUNK)
        await trx
          .updateTable("sync_errors")
          .set({ resolved_at: at })
          .where("company_id", "=", this.companyId)
          .where("source", "=", "qbo")
          .where("resolved_at", "is", null)
          .where("ref", "in", blocked.slice(i, i + CHUNK))
          .execute();
      // Only newly opened blocking findings: a record still blocked for the same reason is not news.
      const opened = new Set(inserts.map((r) => key(r.ref, r.rule, r.field, r.message)));
      const fresh = findings.filter((f) => opened.has(key(f.ref, f.rule.id, f.field ?? null, f.message)));
      await writeOutboundEvents(trx, this.companyId, blockedEvents(runId, fresh), at);
    });
  }

  // ---- audit ---------------------------------------------------------------------------------

  async audit(entry: {
    ref: RecordRef;
    action: string;
    actor: string;
    detail: Record<string, unknown>;
  }): Promise<void> {
    await insertAuditEvent(this.db, this.companyId, entry);
  }

  // ---- the Ready-To-Sync queue ---------------------------------------------------------------

  /** Holds in effect: a "removed" record comes back to the queue once the app changes it. */
  async listHolds(): Promise<QueueHold[]> {
    const rows = await this.db
      .selectFrom("queue_holds")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .execute();
    if (rows.length === 0) return [];
    const updated = new Map<string, string>();
    const recs = await this.db
      .selectFrom("records")
      .select(["kind", "id", "updated_at"])
      .where("company_id", "=", this.companyId)
      .execute();
    for (const r of recs) updated.set(recordRef(r.kind as SyncKind, r.id), r.updated_at);
    const out: QueueHold[] = [];
    for (const r of rows) {
      if (r.state === "removed" && (updated.get(r.ref) ?? "") > r.at) continue;
      const hold: QueueHold = { ref: r.ref as RecordRef, state: r.state as QueueHold["state"], by: r.actor };
      if (r.reason !== null) hold.reason = r.reason;
      out.push(hold);
    }
    return out;
  }

  /** Holds a record (`held`) or removes it from the queue until it changes (`removed`); audited. */
  async setHold(
    ref: RecordRef,
    state: QueueHold["state"],
    actor: string,
    reason: string | undefined,
    at: string,
  ): Promise<void> {
    const values = { state, reason: reason ?? null, actor, at };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("queue_holds")
        .values({ company_id: this.companyId, ref, ...values })
        .onConflict((oc) => oc.columns(["company_id", "ref"]).doUpdateSet(values))
        .execute();
      await insertAuditEvent(trx, this.companyId, {
        at,
        actor,
        ref,
        action: state === "held" ? "queue.hold" : "queue.remove",
        detail: reason === undefined ? {} : { reason },
      });
    });
  }

  /** Puts a held or removed record back in the queue; false when it was not held. */
  async release(ref: RecordRef, actor: string, at: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .deleteFrom("queue_holds")
        .where("company_id", "=", this.companyId)
        .where("ref", "=", ref)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) return false;
      await insertAuditEvent(trx, this.companyId, { at, actor, ref, action: "queue.release", detail: {} });
      return true;
    });
  }

  /** Whether the app changed or deleted any record since `at` (all records count when undefined). */
  async hasChangesSince(at: string | undefined): Promise<boolean> {
    let q = this.db.selectFrom("records").select("id").where("company_id", "=", this.companyId);
    if (at !== undefined) q = q.where("updated_at", ">", at);
    return (await q.limit(1).executeTakeFirst()) !== undefined;
  }

  // ---- schedule ------------------------------------------------------------------------------

  async getSchedule(): Promise<ScheduleSetting> {
    const row = await this.db
      .selectFrom("sync_schedules")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .executeTakeFirst();
    if (!row) return { mode: "manual" };
    const s: ScheduleSetting = { mode: row.mode as ScheduleSetting["mode"] };
    if (row.every_minutes !== null) s.everyMinutes = row.every_minutes;
    if (row.daily_at !== null) s.dailyAt = row.daily_at;
    if (row.time_zone !== null) s.timeZone = row.time_zone;
    if (row.next_run_at !== null) s.nextRunAt = row.next_run_at;
    return s;
  }

  async saveSchedule(s: ScheduleSetting, at: string): Promise<void> {
    const values = {
      mode: s.mode,
      every_minutes: s.everyMinutes ?? null,
      daily_at: s.dailyAt ?? null,
      time_zone: s.timeZone ?? null,
      next_run_at: s.nextRunAt ?? null,
      updated_at: at,
    };
    await this.db
      .insertInto("sync_schedules")
      .values({ company_id: this.companyId, ...values })
      .onConflict((oc) => oc.column("company_id").doUpdateSet(values))
      .execute();
  }
}

/** Saves a record's link (one per record; the links table keeps QBO ↔ app one to one). */
/** Many links in one statement (each row replaces the link of its record). */
async function upsertLinks(
  db: Kysely<Database>,
  companyId: string,
  links: readonly RecordLink[],
): Promise<void> {
  if (links.length === 0) return;
  await db
    .insertInto("links")
    .values(
      links.map((link) => {
        const { entity, localId } = linkKey(link.ref);
        return {
          company_id: companyId,
          entity,
          local_id: localId,
          qbo_id: link.qboId,
          sync_token: link.syncToken,
          fingerprint: link.fingerprint,
          last_synced_at: link.lastSyncedAt,
        };
      }),
    )
    .onConflict((oc) =>
      oc.columns(["company_id", "entity", "local_id"]).doUpdateSet((eb) => ({
        qbo_id: eb.ref("excluded.qbo_id"),
        sync_token: eb.ref("excluded.sync_token"),
        fingerprint: eb.ref("excluded.fingerprint"),
        last_synced_at: eb.ref("excluded.last_synced_at"),
      })),
    )
    .execute();
}

async function upsertLink(db: Kysely<Database>, companyId: string, link: RecordLink): Promise<void> {
  const { entity, localId } = linkKey(link.ref);
  const values = {
    qbo_id: link.qboId,
    sync_token: link.syncToken,
    fingerprint: link.fingerprint,
    last_synced_at: link.lastSyncedAt,
  };
  await db
    .insertInto("links")
    .values({ company_id: companyId, entity, local_id: localId, ...values })
    .onConflict((oc) => oc.columns(["company_id", "entity", "local_id"]).doUpdateSet(values))
    .execute();
}

/** Companies whose scheduled run is due (across companies: the scheduler's one query). */
export async function dueSchedules(db: Kysely<Database>, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom("sync_schedules")
    .select("company_id")
    .where("mode", "in", ["every", "daily"])
    .where("next_run_at", "<=", now.toISOString())
    .execute();
  return rows.map((r) => r.company_id);
}

function toOp(row: Selectable<SyncOpsTable>): OutboxOp {
  const op: OutboxOp = {
    id: row.id,
    runId: row.run_id,
    seq: Number(row.seq),
    ref: row.ref as RecordRef,
    entity: row.entity as OutboxOp["entity"],
    action: row.action as OutboxOp["action"],
    state: row.state as OutboxOp["state"],
    requestId: row.request_id,
    needs: JSON.parse(row.needs) as RecordRef[],
  };
  if (row.batch_key !== null) op.batchKey = row.batch_key;
  if (row.payload !== null) op.payload = JSON.parse(row.payload) as QboPayload;
  if (row.fingerprint !== null) op.fingerprint = row.fingerprint;
  if (row.qbo_id !== null) op.qboId = row.qbo_id;
  if (row.sync_token !== null) op.syncToken = row.sync_token;
  if (row.error !== null) op.error = JSON.parse(row.error) as ClassifiedFailure;
  return op;
}
