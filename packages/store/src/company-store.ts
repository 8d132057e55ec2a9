import type {
  Customer,
  IncomingKind,
  IncomingRecordOf,
  Link,
  RecordRef,
  SyncErrorRecord,
  SyncRun,
  SyncStore,
} from "@ledgerlink/core";
import type { Insertable, Kysely } from "kysely";
import { ApiStore } from "./api-store.js";
import { insertAuditEvent } from "./audit-event.js";
import { newId } from "./ids.js";
import { MatchReviewStore } from "./match-review-store.js";
import { OutboundStore } from "./outbound-store.js";
import { GlobalSyncStore } from "./global-sync-store.js";
import { QboMirrorStore } from "./qbo-mirror-store.js";
import { ReportStore } from "./report-store.js";
import type { Database, RecordsTable } from "./schema.js";
import { readUnlessChanged } from "./stamped-read-cache.js";
import { SyncEngineStore } from "./sync-engine-store.js";

export type RecordKindName = IncomingKind;

/** The indexed columns of a record: what searches and joins use without parsing the JSON. */
export function columnsOf<K extends RecordKindName>(
  kind: K,
  record: IncomingRecordOf[K],
): { parent_id: string | null; name: string | null; active: number } {
  const r = record as Partial<Record<string, unknown>>;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  switch (kind) {
    case "customer":
      return {
        parent_id: str(r["parentId"]),
        name: str(r["displayName"]),
        active: r["active"] === false ? 0 : 1,
      };
    case "item":
      return { parent_id: null, name: str(r["name"]), active: r["active"] === false ? 0 : 1 };
    case "payment":
      return { parent_id: str(r["customerId"]), name: str(r["reference"]), active: 1 };
    default:
      return { parent_id: str(r["customerId"]), name: str(r["docNumber"]), active: 1 };
  }
}

export const toBool = (v: number | boolean): boolean => v === true || v === 1;

export interface UpsertResult {
  id: string;
  status: "created" | "updated" | "unchanged";
}

export interface OpenError {
  id: string;
  runId: string;
  ref: string;
  localId: string;
  category: string;
  code: string | null;
  message: string;
  detail: string | null;
  element: string | null;
  createdAt: string;
}

export interface CompanyCounts {
  customers: number;
  linkedCustomers: number;
  openErrors: number;
}

/**
 * Everything stored for one company. Every query is scoped by `company_id` here, in the store layer,
 * so a handler cannot forget the tenant filter.
 */
export class CompanyStore implements SyncStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  /** The HTTP API's lists (problems, queue, runs, audit, records, merges), smart search and fix writes. */
  get api(): ApiStore {
    return new ApiStore(this.db, this.companyId);
  }

  /** Match decisions, review items and their resolution actions (link, reject, new, merge, undo...). */
  get review(): MatchReviewStore {
    return new MatchReviewStore(this.db, this.companyId);
  }

  /** The sync engine's outbox, runs, lease, findings, queue holds and schedule. */
  get sync(): SyncEngineStore {
    return new SyncEngineStore(this.db, this.companyId);
  }

  /** What post-sync reports read (runs, open problems, auto-repairs), and who gets them. */
  get reports(): ReportStore {
    return new ReportStore(this.db, this.companyId);
  }

  /** The global sync's writes: QBO-only records brought into the app, linked, announced. */
  get globalSync(): GlobalSyncStore {
    return new GlobalSyncStore(this.db, this.companyId);
  }

  /** Outbound events for the business app: the events outbox, webhook endpoints, deliveries. */
  get outbound(): OutboundStore {
    return new OutboundStore(this.db, this.companyId);
  }

  /** This company's QBO mirror: the objects pulled from QBO, the pull's checkpoint, webhook notices. */
  get qbo(): QboMirrorStore {
    return new QboMirrorStore(this.db, this.companyId);
  }

  /**
   * Idempotent upsert by the app's id; one transaction, so a batch is stored whole or not at all. Each
   * chunk of 1,000 is at most two statements: read the stored JSON of those ids, then write only the
   * new and changed rows in one `INSERT … ON CONFLICT DO UPDATE … WHERE data differs or deleted`. An
   * unchanged record keeps its `updated_at`, so the sync does not re-queue it; a changed or revived one
   * (sent again after a delete) gets `at`. Round trips and per-row statements, not rows, are what cost.
   */
  async upsertRecords<K extends RecordKindName>(
    kind: K,
    records: readonly IncomingRecordOf[K][],
    at: string,
  ): Promise<UpsertResult[]> {
    // PostgreSQL refuses to update one row twice in a statement; parseRecords never sends duplicates.
    const ids = new Set<string>();
    for (const r of records) {
      if (ids.has(r.id)) throw new Error(`upsertRecords: ${kind} id "${r.id}" appears twice in one call`);
      ids.add(r.id);
    }
    // 9 parameters a row: 1,000 rows stay under SQLite's (32,766) and PostgreSQL's (65,535) limits.
    const chunk = 1000;
    return this.db.transaction().execute(async (trx) => {
      const results: UpsertResult[] = [];
      for (let i = 0; i < records.length; i += chunk) {
        const slice = records.slice(i, i + chunk);
        const stored = new Map<string, string | null>();
        const found = await trx
          .selectFrom("records")
          .select(["id", "data", "deleted_at"])
          .where("company_id", "=", this.companyId)
          .where("kind", "=", kind)
          .where(
            "id",
            "in",
            slice.map((r) => r.id),
          )
          .execute();
        // A deleted row compares as "no data", so sending it again revives it.
        for (const r of found) stored.set(r.id, r.deleted_at === null ? r.data : null);
        const rows: Insertable<RecordsTable>[] = [];
        for (const record of slice) {
          const data = JSON.stringify(record);
          if (stored.get(record.id) === data) continue;
          rows.push({
            company_id: this.companyId,
            kind,
            id: record.id,
            ...columnsOf(kind, record),
            data,
            updated_at: at,
            deleted_at: null,
          });
        }
        if (rows.length === 0) {
          for (const { id } of slice) results.push({ id, status: "unchanged" });
          continue;
        }
        const written = await trx
          .insertInto("records")
          .values(rows)
          .onConflict((oc) =>
            oc
              .columns(["company_id", "kind", "id"])
              .doUpdateSet((eb) => ({
                parent_id: eb.ref("excluded.parent_id"),
                name: eb.ref("excluded.name"),
                data: eb.ref("excluded.data"),
                active: eb.ref("excluded.active"),
                updated_at: eb.ref("excluded.updated_at"),
                deleted_at: null,
              }))
              .where((eb) =>
                eb.or([
                  eb("records.data", "<>", eb.ref("excluded.data")),
                  eb("records.deleted_at", "is not", null),
                ]),
              ),
          )
          .returning("id")
          .execute();
        // The WHERE also guards a writer that committed the same JSON since we read: it stays unchanged.
        const changed = new Set(written.map((r) => r.id));
        for (const { id } of slice) {
          const status = !changed.has(id) ? "unchanged" : stored.has(id) ? "updated" : "created";
          results.push({ id, status });
        }
      }
      return results;
    });
  }

  /**
   * Marks records deleted by the app (kept, so the sync can inactivate or delete them in QBO). An id
   * that is unknown or already deleted answers `deleted: false`.
   */
  async deleteRecords(
    kind: RecordKindName,
    ids: readonly string[],
    at: string,
  ): Promise<{ id: string; deleted: boolean }[]> {
    const chunk = 1000;
    return this.db.transaction().execute(async (trx) => {
      const deleted = new Set<string>();
      for (let i = 0; i < ids.length; i += chunk) {
        const rows = await trx
          .updateTable("records")
          .set({ deleted_at: at, updated_at: at })
          .where("company_id", "=", this.companyId)
          .where("kind", "=", kind)
          .where("id", "in", ids.slice(i, i + chunk))
          .where("deleted_at", "is", null)
          .returning("id")
          .execute();
        for (const r of rows) deleted.add(r.id);
      }
      // A second mention of the same id in one call finds it already deleted, as one-by-one deletes would.
      const answered = new Set<string>();
      return ids.map((id) => {
        const first = deleted.has(id) && !answered.has(id);
        answered.add(id);
        return { id, deleted: first };
      });
    });
  }

  /** The live (not deleted) records of a kind, in id order. */
  async listRecords<K extends RecordKindName>(kind: K): Promise<IncomingRecordOf[K][]> {
    const rows = await this.db
      .selectFrom("records")
      .select("data")
      .where("company_id", "=", this.companyId)
      .where("kind", "=", kind)
      .where("deleted_at", "is", null)
      .orderBy("id")
      .execute();
    return rows.map((r) => JSON.parse(r.data) as IncomingRecordOf[K]);
  }

  upsertCustomers(customers: readonly Customer[], at: string): Promise<UpsertResult[]> {
    return this.upsertRecords("customer", customers, at);
  }

  listCustomers(): Promise<Customer[]> {
    return this.listRecords("customer");
  }

  /**
   * Notes changes QBO reported, keeping the newest notice per record: a replayed or late delivery
   * never replaces a newer one.
   */
  async noteQboChanges(
    changes: readonly {
      entity: string;
      qboId: string;
      operation: string;
      lastUpdated: string;
      deletedId?: string;
    }[],
    at: string,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const ch of changes) {
        const values = {
          operation: ch.operation,
          last_updated: ch.lastUpdated,
          received_at: at,
          deleted_id: ch.deletedId ?? null,
        };
        await trx
          .insertInto("qbo_changes")
          .values({ company_id: this.companyId, entity: ch.entity, qbo_id: ch.qboId, ...values })
          .onConflict((oc) =>
            oc
              .columns(["company_id", "entity", "qbo_id"])
              .doUpdateSet(values)
              .where("qbo_changes.last_updated", "<=", ch.lastUpdated),
          )
          .execute();
      }
    });
  }

  /** The QBO records the next pull must fetch. */
  async pendingQboChanges(): Promise<
    { entity: string; qboId: string; operation: string; lastUpdated: string }[]
  > {
    const rows = await this.db
      .selectFrom("qbo_changes")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .orderBy("last_updated")
      .execute();
    return rows.map((r) => ({
      entity: r.entity,
      qboId: r.qbo_id,
      operation: r.operation,
      lastUpdated: r.last_updated,
    }));
  }

  async listCustomerLinks(): Promise<Map<string, Link>> {
    const rows = await this.db
      .selectFrom("links")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("entity", "=", "customer")
      .execute();
    return new Map(
      rows.map((r) => [
        r.local_id,
        {
          localId: r.local_id,
          qboId: r.qbo_id,
          syncToken: r.sync_token,
          fingerprint: r.fingerprint,
          lastSyncedAt: r.last_synced_at,
        },
      ]),
    );
  }

  async saveCustomerLink(link: Link): Promise<void> {
    const values = {
      qbo_id: link.qboId,
      sync_token: link.syncToken,
      fingerprint: link.fingerprint,
      last_synced_at: link.lastSyncedAt,
    };
    await this.db
      .insertInto("links")
      .values({ company_id: this.companyId, entity: "customer", local_id: link.localId, ...values })
      .onConflict((oc) => oc.columns(["company_id", "entity", "local_id"]).doUpdateSet(values))
      .execute();
  }

  async startRun(startedAt: string): Promise<SyncRun> {
    const run: SyncRun = {
      id: newId(),
      companyId: this.companyId,
      startedAt,
      status: "running",
      created: 0,
      updated: 0,
      skipped: 0,
      failed: 0,
    };
    await this.db
      .insertInto("sync_runs")
      .values({
        id: run.id,
        company_id: this.companyId,
        started_at: startedAt,
        finished_at: null,
        status: run.status,
        created: 0,
        updated: 0,
        skipped: 0,
        failed: 0,
      })
      .execute();
    return run;
  }

  async finishRun(run: SyncRun): Promise<void> {
    await this.db
      .updateTable("sync_runs")
      .set({
        finished_at: run.finishedAt ?? null,
        status: run.status,
        created: run.created,
        updated: run.updated,
        skipped: run.skipped,
        failed: run.failed,
      })
      .where("company_id", "=", this.companyId)
      .where("id", "=", run.id)
      .execute();
  }

  async listRuns(limit = 20): Promise<SyncRun[]> {
    const rows = await this.db
      .selectFrom("sync_runs")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => {
      const run: SyncRun = {
        id: r.id,
        companyId: r.company_id,
        startedAt: r.started_at,
        status: r.status as SyncRun["status"],
        created: r.created,
        updated: r.updated,
        skipped: r.skipped,
        failed: r.failed,
      };
      if (r.finished_at !== null) run.finishedAt = r.finished_at;
      return run;
    });
  }

  async recordError(error: SyncErrorRecord): Promise<void> {
    const f = error.failure;
    await this.db
      .insertInto("sync_errors")
      .values({
        id: newId(),
        company_id: this.companyId,
        run_id: error.runId,
        ref: error.ref,
        local_id: error.localId,
        category: f.category,
        code: f.code ?? null,
        message: f.message,
        detail: f.detail ?? null,
        element: f.element ?? null,
        created_at: new Date().toISOString(),
        resolved_at: null,
      })
      .execute();
  }

  async resolveErrors(localId: string, at: string): Promise<void> {
    await this.db
      .updateTable("sync_errors")
      .set({ resolved_at: at })
      .where("company_id", "=", this.companyId)
      .where("local_id", "=", localId)
      .where("resolved_at", "is", null)
      .execute();
  }

  /** Open errors, newest first; an error stays open until its record syncs. */
  async listOpenErrors(limit = 100): Promise<OpenError[]> {
    const rows = await this.db
      .selectFrom("sync_errors")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("resolved_at", "is", null)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      ref: r.ref,
      localId: r.local_id,
      category: r.category,
      code: r.code,
      message: r.message,
      detail: r.detail,
      element: r.element,
      createdAt: r.created_at,
    }));
  }

  async audit(entry: {
    ref: RecordRef;
    action: string;
    actor: string;
    detail: Record<string, unknown>;
  }): Promise<void> {
    await insertAuditEvent(this.db, this.companyId, entry);
  }

  async listAudit(
    limit = 100,
  ): Promise<{ at: string; actor: string; ref: string; action: string; detail: unknown }[]> {
    const rows = await this.db
      .selectFrom("audit_events")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      at: r.at,
      actor: r.actor,
      ref: r.ref,
      action: r.action,
      detail: JSON.parse(r.detail),
    }));
  }

  /** Kept until the database changes (see stamped-read-cache.ts): counting 60,000 customers is a scan. */
  async counts(): Promise<CompanyCounts> {
    return readUnlessChanged(this.db, `counts\u0000${this.companyId}`, () => this.countNow());
  }

  private async countNow(): Promise<CompanyCounts> {
    const count = async (q: Promise<{ n: string | number | bigint } | undefined>) =>
      Number((await q)?.n ?? 0);
    const [customers, linkedCustomers, openErrors] = await Promise.all([
      count(
        this.db
          .selectFrom("records")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("company_id", "=", this.companyId)
          .where("kind", "=", "customer")
          .where("deleted_at", "is", null)
          .executeTakeFirst(),
      ),
      count(
        this.db
          .selectFrom("links")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("company_id", "=", this.companyId)
          .where("entity", "=", "customer")
          .executeTakeFirst(),
      ),
      count(
        this.db
          .selectFrom("sync_errors")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("company_id", "=", this.companyId)
          .where("resolved_at", "is", null)
          .executeTakeFirst(),
      ),
    ]);
    return { customers, linkedCustomers, openErrors };
  }
}
