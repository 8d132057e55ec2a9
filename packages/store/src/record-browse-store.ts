import type { Kysely } from "kysely";
import { decodeCursor, encodeCursor } from "./page-cursor.js";
import { refOf, storedKindOfRef, type StoredKind } from "./record-ref-sql.js";
import type { Database } from "./schema.js";

export interface RecordSummaryRow {
  ref: string;
  kind: StoredKind;
  id: string;
  name: string | null;
  parentId: string | null;
  active: boolean;
  updatedAt: string;
  deletedAt: string | null;
  qboId: string | null;
  /** "qbo" when a global sync brought it in from QuickBooks. */
  origin: "qbo" | null;
}

export interface RecordDetailRow extends Omit<RecordSummaryRow, "parentId" | "active" | "qboId"> {
  data: Record<string, unknown>;
  link: { qboId: string; syncToken: string; lastSyncedAt: string } | null;
  hold: { state: "held" | "removed"; reason: string | null; by: string } | null;
  openErrors: number;
}

const bool = (v: number | boolean): boolean => v === true || v === 1;

/** The app's records as stored, for browsing: a filtered page, one record in full, names by reference. */
export class RecordBrowseStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  async list(opts: {
    limit: number;
    cursor?: string;
    kind?: StoredKind;
    linked?: boolean;
    deleted?: boolean;
    parentId?: string;
    /** "qbo": brought in by a global sync; "app": sent by the app. */
    origin?: "qbo" | "app";
  }): Promise<{ items: RecordSummaryRow[]; nextCursor: string | null }> {
    let q = this.db
      .selectFrom("records as r")
      .leftJoin("links as l", (j) =>
        j
          .onRef("l.company_id", "=", "r.company_id")
          .onRef("l.entity", "=", "r.kind")
          .onRef("l.local_id", "=", "r.id"),
      )
      .select([
        "r.kind",
        "r.id",
        "r.name",
        "r.parent_id",
        "r.active",
        "r.updated_at",
        "r.deleted_at",
        "r.origin",
        "l.qbo_id",
      ])
      .where("r.company_id", "=", this.companyId);
    if (opts.kind !== undefined) q = q.where("r.kind", "=", opts.kind);
    if (opts.linked !== undefined) q = q.where("l.local_id", opts.linked ? "is not" : "is", null);
    if (opts.deleted !== undefined) q = q.where("r.deleted_at", opts.deleted ? "is not" : "is", null);
    if (opts.parentId !== undefined) q = q.where("r.parent_id", "=", opts.parentId);
    if (opts.origin !== undefined) q = q.where("r.origin", opts.origin === "qbo" ? "=" : "is not", "qbo");
    if (opts.cursor !== undefined) {
      const after = decodeCursor(opts.cursor, { k: "string", i: "string" });
      q = q.where((eb) =>
        eb.or([eb("r.kind", ">", after.k), eb.and([eb("r.kind", "=", after.k), eb("r.id", ">", after.i)])]),
      );
    }
    const rows = await q
      .orderBy("r.kind")
      .orderBy("r.id")
      .limit(opts.limit + 1)
      .execute();
    const page = rows.slice(0, opts.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        ref: refOf(r.kind as StoredKind, r.id),
        kind: r.kind as StoredKind,
        id: r.id,
        name: r.name,
        parentId: r.parent_id,
        active: bool(r.active),
        updatedAt: r.updated_at,
        deletedAt: r.deleted_at,
        qboId: r.qbo_id,
        origin: r.origin === "qbo" ? "qbo" : null,
      })),
      nextCursor:
        rows.length > opts.limit && last !== undefined ? encodeCursor({ k: last.kind, i: last.id }) : null,
    };
  }

  /** One record by reference, deleted or not; undefined when the company has no such record. */
  async get(ref: string): Promise<RecordDetailRow | undefined> {
    const key = storedKindOfRef(ref);
    if (key === undefined) return undefined;
    const row = await this.db
      .selectFrom("records")
      .select(["kind", "id", "name", "data", "updated_at", "deleted_at", "origin"])
      .where("company_id", "=", this.companyId)
      .where("kind", "=", key.kind)
      .where("id", "=", key.id)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const [link, hold, errors] = await Promise.all([
      this.db
        .selectFrom("links")
        .select(["qbo_id", "sync_token", "last_synced_at"])
        .where("company_id", "=", this.companyId)
        .where("entity", "=", key.kind)
        .where("local_id", "=", key.id)
        .executeTakeFirst(),
      this.db
        .selectFrom("queue_holds")
        .select(["state", "reason", "actor", "at"])
        .where("company_id", "=", this.companyId)
        .where("ref", "=", ref)
        .executeTakeFirst(),
      this.db
        .selectFrom("sync_errors")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("company_id", "=", this.companyId)
        .where("ref", "=", ref)
        .where("resolved_at", "is", null)
        .executeTakeFirst(),
    ]);
    return {
      ref,
      kind: key.kind,
      id: row.id,
      name: row.name,
      data: JSON.parse(row.data) as Record<string, unknown>,
      updatedAt: row.updated_at,
      deletedAt: row.deleted_at,
      origin: row.origin === "qbo" ? "qbo" : null,
      link:
        link === undefined
          ? null
          : { qboId: link.qbo_id, syncToken: link.sync_token, lastSyncedAt: link.last_synced_at },
      // A removal ends once the record changes (see SyncEngineStore.listHolds).
      hold:
        hold === undefined || (hold.state === "removed" && row.updated_at > hold.at)
          ? null
          : { state: hold.state === "held" ? "held" : "removed", reason: hold.reason, by: hold.actor },
      openErrors: Number(errors?.n ?? 0),
    };
  }

  /** Whether a live (not deleted) record exists. */
  async exists(ref: string): Promise<boolean> {
    const key = storedKindOfRef(ref);
    if (key === undefined) return false;
    const row = await this.db
      .selectFrom("records")
      .select("id")
      .where("company_id", "=", this.companyId)
      .where("kind", "=", key.kind)
      .where("id", "=", key.id)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** What people call each record (display name, item name, document number), by reference. */
  async namesOf(refs: readonly string[]): Promise<Map<string, string | null>> {
    const byKind = new Map<StoredKind, string[]>();
    for (const ref of new Set(refs)) {
      const key = storedKindOfRef(ref);
      if (key === undefined) continue;
      const list = byKind.get(key.kind);
      if (list) list.push(key.id);
      else byKind.set(key.kind, [key.id]);
    }
    const out = new Map<string, string | null>();
    for (const [kind, ids] of byKind) {
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await this.db
          .selectFrom("records")
          .select(["id", "name"])
          .where("company_id", "=", this.companyId)
          .where("kind", "=", kind)
          .where("id", "in", ids.slice(i, i + 500))
          .execute();
        for (const r of rows) out.set(refOf(kind, r.id), r.name);
      }
    }
    return out;
  }
}
