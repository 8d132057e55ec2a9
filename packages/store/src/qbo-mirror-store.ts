import {
  isNewerVersion,
  type MirrorCheckpoint,
  type MirroredEntity,
  type MirroredObject,
  type MirrorVersion,
  type QboMirrorPort,
  type QboNotice,
} from "@ledgerlink/core";
import { sql, type Insertable, type Kysely, type Selectable } from "kysely";
import type { Database, QboObjectsTable } from "./schema.js";

/** 8 parameters a row: 500 rows stay far under SQLite's (32,766) and PostgreSQL's (65,535) limits. */
const WRITE_CHUNK = 500;
const READ_CHUNK = 1000;

const bool = (v: number | boolean): boolean => v === true || v === 1;

function objectOf(r: Selectable<QboObjectsTable>): MirroredObject {
  return {
    entity: r.entity as MirroredEntity,
    id: r.qbo_id,
    syncToken: r.sync_token,
    active: bool(r.active),
    lastUpdated: r.last_updated,
    deleted: bool(r.deleted),
    data: JSON.parse(r.data) as unknown,
  };
}

/**
 * One company's QBO mirror (`store.company(id).qbo`). Every statement is scoped by company_id. Writes
 * go many rows to a statement: a 100k-customer company is 200 upserts, not 100k.
 */
export class QboMirrorStore implements QboMirrorPort {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  /**
   * One transaction. A row is rewritten only by a later version (LastUpdatedTime, then SyncToken as a
   * number), checked inside the statement, so a stale read can never overwrite a newer one and a
   * deletion is never undone by an older copy.
   */
  async upsertObjects(objects: readonly MirroredObject[]): Promise<void> {
    // PostgreSQL refuses to update one row twice in a statement: keep each object's newest version.
    const newest = new Map<string, MirroredObject>();
    for (const o of objects) {
      const key = `${o.entity}\u0000${o.id}`;
      const prev = newest.get(key);
      if (prev === undefined || isNewerVersion(o, prev)) newest.set(key, o);
    }
    const rows: Insertable<QboObjectsTable>[] = [...newest.values()].map((o) => ({
      company_id: this.companyId,
      entity: o.entity,
      qbo_id: o.id,
      sync_token: o.syncToken,
      active: o.active ? 1 : 0,
      deleted: o.deleted ? 1 : 0,
      last_updated: o.lastUpdated,
      data: JSON.stringify(o.data ?? null),
    }));
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
        await trx
          .insertInto("qbo_objects")
          .values(rows.slice(i, i + WRITE_CHUNK))
          .onConflict((oc) =>
            oc
              .columns(["company_id", "entity", "qbo_id"])
              .doUpdateSet((eb) => ({
                sync_token: eb.ref("excluded.sync_token"),
                active: eb.ref("excluded.active"),
                deleted: eb.ref("excluded.deleted"),
                last_updated: eb.ref("excluded.last_updated"),
                data: eb.ref("excluded.data"),
              }))
              // SyncTokens are decimal counters: a longer one is larger, equal lengths compare as text.
              .where(
                sql<boolean>`excluded.last_updated > qbo_objects.last_updated
                  or (excluded.last_updated = qbo_objects.last_updated and not qbo_objects.deleted
                    and (length(excluded.sync_token) > length(qbo_objects.sync_token)
                      or (length(excluded.sync_token) = length(qbo_objects.sync_token)
                        and excluded.sync_token >= qbo_objects.sync_token)))`,
              ),
          )
          .execute();
      }
    });
  }

  /**
   * Marks objects deleted, keeping their last data; an id never seen gets a tombstone (no data), so
   * a late copy of it cannot appear alive. `at` only ever moves last_updated forward.
   */
  async markDeleted(entity: MirroredEntity, ids: readonly string[], at: string): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < unique.length; i += WRITE_CHUNK) {
        await trx
          .insertInto("qbo_objects")
          .values(
            unique.slice(i, i + WRITE_CHUNK).map((id) => ({
              company_id: this.companyId,
              entity,
              qbo_id: id,
              sync_token: "",
              active: 0,
              deleted: 1,
              last_updated: at,
              data: "null",
            })),
          )
          .onConflict((oc) =>
            oc.columns(["company_id", "entity", "qbo_id"]).doUpdateSet((eb) => ({
              deleted: eb.ref("excluded.deleted"),
              last_updated: sql<string>`case when qbo_objects.last_updated < excluded.last_updated
                then excluded.last_updated else qbo_objects.last_updated end`,
            })),
          )
          .execute();
      }
    });
  }

  async listObjects(
    entity: MirroredEntity,
    opts: { includeDeleted?: boolean } = {},
  ): Promise<MirroredObject[]> {
    let q = this.db
      .selectFrom("qbo_objects")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("entity", "=", entity);
    if (opts.includeDeleted !== true) q = q.where(sql<boolean>`not qbo_objects.deleted`);
    const rows = await q.orderBy("qbo_id").execute();
    return rows.map(objectOf);
  }

  async getObject(entity: MirroredEntity, id: string): Promise<MirroredObject | undefined> {
    const row = await this.db
      .selectFrom("qbo_objects")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("entity", "=", entity)
      .where("qbo_id", "=", id)
      .executeTakeFirst();
    return row === undefined ? undefined : objectOf(row);
  }

  async getObjects(entity: MirroredEntity, ids: readonly string[]): Promise<MirroredObject[]> {
    const unique = [...new Set(ids)];
    const out: MirroredObject[] = [];
    for (let i = 0; i < unique.length; i += READ_CHUNK) {
      const rows = await this.db
        .selectFrom("qbo_objects")
        .selectAll()
        .where("company_id", "=", this.companyId)
        .where("entity", "=", entity)
        .where("qbo_id", "in", unique.slice(i, i + READ_CHUNK))
        .execute();
      for (const r of rows) out.push(objectOf(r));
    }
    return out;
  }

  async listVersions(entity: MirroredEntity): Promise<MirrorVersion[]> {
    const rows = await this.db
      .selectFrom("qbo_objects")
      .select(["qbo_id", "sync_token", "last_updated", "active", "deleted"])
      .where("company_id", "=", this.companyId)
      .where("entity", "=", entity)
      .execute();
    return rows.map((r) => ({
      id: r.qbo_id,
      syncToken: r.sync_token,
      lastUpdated: r.last_updated,
      active: bool(r.active),
      deleted: bool(r.deleted),
    }));
  }

  async readPreferences(): Promise<unknown> {
    const row = await this.db
      .selectFrom("qbo_mirror_state")
      .select("preferences")
      .where("company_id", "=", this.companyId)
      .executeTakeFirst();
    return row?.preferences == null ? undefined : (JSON.parse(row.preferences) as unknown);
  }

  async savePreferences(p: unknown, at: string): Promise<void> {
    const values = { preferences: JSON.stringify(p ?? null), preferences_at: at };
    await this.db
      .insertInto("qbo_mirror_state")
      .values({ company_id: this.companyId, ...values })
      .onConflict((oc) => oc.column("company_id").doUpdateSet(values))
      .execute();
  }

  async readCheckpoint(): Promise<MirrorCheckpoint> {
    const row = await this.db
      .selectFrom("qbo_mirror_state")
      .select(["since", "full_pull_at"])
      .where("company_id", "=", this.companyId)
      .executeTakeFirst();
    const c: MirrorCheckpoint = {};
    if (row?.since != null) c.since = row.since;
    if (row?.full_pull_at != null) c.fullPullAt = row.full_pull_at;
    return c;
  }

  async saveCheckpoint(c: MirrorCheckpoint): Promise<void> {
    const values = { since: c.since ?? null, full_pull_at: c.fullPullAt ?? null };
    await this.db
      .insertInto("qbo_mirror_state")
      .values({ company_id: this.companyId, ...values })
      .onConflict((oc) => oc.column("company_id").doUpdateSet(values))
      .execute();
  }

  async pendingNotices(): Promise<QboNotice[]> {
    const rows = await this.db
      .selectFrom("qbo_changes")
      .select(["entity", "qbo_id", "operation", "last_updated", "deleted_id"])
      .where("company_id", "=", this.companyId)
      .orderBy("last_updated")
      .orderBy("entity")
      .orderBy("qbo_id")
      .execute();
    return rows.map((r) => {
      const n: QboNotice = {
        entity: r.entity,
        qboId: r.qbo_id,
        operation: r.operation,
        lastUpdated: r.last_updated,
      };
      if (r.deleted_id !== null) n.deletedId = r.deleted_id;
      return n;
    });
  }

  /** Deletes exactly the notices read: one that was replaced by a newer notice meanwhile stays. */
  async clearNotices(
    notices: readonly { entity: string; qboId: string; lastUpdated: string }[],
  ): Promise<void> {
    if (notices.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const n of notices) {
        await trx
          .deleteFrom("qbo_changes")
          .where("company_id", "=", this.companyId)
          .where("entity", "=", n.entity)
          .where("qbo_id", "=", n.qboId)
          .where("last_updated", "=", n.lastUpdated)
          .execute();
      }
    });
  }
}
