import { sql, type Kysely } from "kysely";
import { decodeCursor, encodeCursor } from "./page-cursor.js";
import { refOf, refSql, type StoredKind } from "./record-ref-sql.js";
import type { Database } from "./schema.js";

export type QueueState = "ready" | "held" | "removed";
export type QueueReason = "new" | "changed" | "deleted";

export interface QueueEntry {
  ref: string;
  kind: StoredKind;
  id: string;
  name: string | null;
  reason: QueueReason;
  state: QueueState;
  hold: { reason: string | null; by: string; at: string } | null;
  updatedAt: string;
  lastSyncedAt: string | null;
  qboId: string | null;
  openErrors: number;
}

/**
 * The Ready-To-Sync queue of one company, as a list: records never synced, changed since they last
 * were (`updated_at` after the link's `last_synced_at`; a link a person made has none), or deleted in
 * the app while linked — with the staff hold on each. A record "removed" from the queue comes back once
 * the app changes it, as the engine's `listHolds` reads it.
 */
export class QueueStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  async list(opts: {
    limit: number;
    cursor?: string;
    kind?: StoredKind;
    state?: QueueState;
    reason?: QueueReason;
  }): Promise<{ items: QueueEntry[]; nextCursor: string | null }> {
    const reasonSql = sql<QueueReason>`case when r.deleted_at is not null then 'deleted' when l.local_id is null then 'new' else 'changed' end`;
    const stateSql = sql<QueueState>`case when h.state = 'held' then 'held' when h.state = 'removed' and r.updated_at <= h.at then 'removed' else 'ready' end`;
    let q = this.db
      .selectFrom("records as r")
      .leftJoin("links as l", (j) =>
        j
          .onRef("l.company_id", "=", "r.company_id")
          .onRef("l.entity", "=", "r.kind")
          .onRef("l.local_id", "=", "r.id"),
      )
      .leftJoin("queue_holds as h", (j) =>
        j.onRef("h.company_id", "=", "r.company_id").on("h.ref", "=", refSql("r")),
      )
      .select([
        "r.kind",
        "r.id",
        "r.name",
        "r.updated_at",
        "l.qbo_id",
        "l.last_synced_at",
        "h.reason as hold_reason",
        "h.actor as hold_actor",
        "h.at as hold_at",
        reasonSql.as("reason"),
        stateSql.as("state"),
      ])
      .where("r.company_id", "=", this.companyId)
      .where((eb) =>
        eb.or([
          eb.and([
            eb("r.deleted_at", "is", null),
            eb.or([eb("l.local_id", "is", null), eb("r.updated_at", ">", eb.ref("l.last_synced_at"))]),
          ]),
          eb.and([eb("r.deleted_at", "is not", null), eb("l.local_id", "is not", null)]),
        ]),
      );
    if (opts.kind !== undefined) q = q.where("r.kind", "=", opts.kind);
    if (opts.reason !== undefined) q = q.where(reasonSql, "=", opts.reason);
    if (opts.state !== undefined) q = q.where(stateSql, "=", opts.state);
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
    const refs = page.map((r) => refOf(r.kind as StoredKind, r.id));
    const errors = new Map<string, number>();
    if (refs.length > 0) {
      const counts = await this.db
        .selectFrom("sync_errors")
        .select(["ref", (eb) => eb.fn.countAll().as("n")])
        .where("company_id", "=", this.companyId)
        .where("resolved_at", "is", null)
        .where("ref", "in", refs)
        .groupBy("ref")
        .execute();
      for (const c of counts) errors.set(c.ref, Number(c.n));
    }
    const last = page[page.length - 1];
    return {
      items: page.map((r, i) => ({
        ref: refs[i]!,
        kind: r.kind as StoredKind,
        id: r.id,
        name: r.name,
        reason: r.reason,
        state: r.state,
        hold:
          r.state === "ready" || r.hold_actor === null || r.hold_at === null
            ? null
            : { reason: r.hold_reason, by: r.hold_actor, at: r.hold_at },
        updatedAt: r.updated_at,
        lastSyncedAt: r.last_synced_at === null || r.last_synced_at === "" ? null : r.last_synced_at,
        qboId: r.qbo_id,
        openErrors: errors.get(refs[i]!) ?? 0,
      })),
      nextCursor:
        rows.length > opts.limit && last !== undefined ? encodeCursor({ k: last.kind, i: last.id }) : null,
    };
  }

  /** The queue state of one record (ready when it has no hold in effect). */
  async stateOf(ref: string): Promise<QueueState> {
    const hold = await this.db
      .selectFrom("queue_holds")
      .select(["state", "at"])
      .where("company_id", "=", this.companyId)
      .where("ref", "=", ref)
      .executeTakeFirst();
    return hold === undefined ? "ready" : hold.state === "held" ? "held" : "removed";
  }
}
