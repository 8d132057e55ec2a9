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
import { newId } from "./ids.js";
import type { Database, RecordsTable } from "./schema.js";

export type RecordKindName = IncomingKind;

/** The indexed columns of a record: what searches and joins use without parsing the JSON. */
function columnsOf<K extends RecordKindName>(
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

  /**
   * Idempotent upsert by the app's id; one transaction, so a batch is stored whole or not at all. Reads
   * the existing rows in chunks and inserts new ones many to a statement: round trips, not rows, are
   * what costs on PostgreSQL. A record sent again after a delete is live again.
   */
  async upsertRecords<K extends RecordKindName>(
    kind: K,
    records: readonly IncomingRecordOf[K][],
    at: string,
  ): Promise<UpsertResult[]> {
    const chunk = 1000;
    return this.db.transaction().execute(async (trx) => {
      const existing = new Map<string, { data: string; deleted: boolean }>();
      for (let i = 0; i < records.length; i += chunk) {
        const ids = records.slice(i, i + chunk).map((c) => c.id);
        const rows = await trx
          .selectFrom("records")
          .select(["id", "data", "deleted_at"])
          .where("company_id", "=", this.companyId)
          .where("kind", "=", kind)
          .where("id", "in", ids)
          .execute();
        for (const r of rows) existing.set(r.id, { data: r.data, deleted: r.deleted_at !== null });
      }
      const results: UpsertResult[] = [];
      const inserts: Insertable<RecordsTable>[] = [];
      for (const record of records) {
        const data = JSON.stringify(record);
        const before = existing.get(record.id);
        if (before?.data === data && !before.deleted) {
          results.push({ id: record.id, status: "unchanged" });
          continue;
        }
        const row = { ...columnsOf(kind, record), data, updated_at: at, deleted_at: null };
        if (before === undefined) {
          inserts.push({ company_id: this.companyId, kind, id: record.id, ...row });
          results.push({ id: record.id, status: "created" });
        } else {
          await trx
            .updateTable("records")
            .set(row)
            .where("company_id", "=", this.companyId)
            .where("kind", "=", kind)
            .where("id", "=", record.id)
            .execute();
          results.push({ id: record.id, status: "updated" });
        }
        existing.set(record.id, { data, deleted: false });
      }
      // 9 columns × 1,000 rows stays under SQLite's (32,766) and PostgreSQL's (65,535) parameter limits.
      for (let i = 0; i < inserts.length; i += 100) {
        await trx
          .insertInto("records")
          .values(inserts.slice(i, i + 100))
          .execute();
      }
      return results;
    });
  }

  /** Marks records deleted by the app (kept, so the sync can inactivate or delete them in QBO). */
  async deleteRecords(
    kind: RecordKindName,
    ids: readonly string[],
    at: string,
  ): Promise<{ id: string; deleted: boolean }[]> {
    return this.db.transaction().execute(async (trx) => {
      const out: { id: string; deleted: boolean }[] = [];
      for (const id of ids) {
        const r = await trx
          .updateTable("records")
          .set({ deleted_at: at, updated_at: at })
          .where("company_id", "=", this.companyId)
          .where("kind", "=", kind)
          .where("id", "=", id)
          .where("deleted_at", "is", null)
          .executeTakeFirst();
        out.push({ id, deleted: Number(r.numUpdatedRows) === 1 });
      }
      return out;
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
    changes: readonly { entity: string; qboId: string; operation: string; lastUpdated: string }[],
    at: string,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const ch of changes) {
        const values = { operation: ch.operation, last_updated: ch.lastUpdated, received_at: at };
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
    await this.db
      .insertInto("audit_events")
      .values({
        id: newId(),
        company_id: this.companyId,
        at: new Date().toISOString(),
        actor: entry.actor,
        ref: entry.ref,
        action: entry.action,
        detail: JSON.stringify(entry.detail),
      })
      .execute();
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

  async counts(): Promise<CompanyCounts> {
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
