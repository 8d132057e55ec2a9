import type { Kysely } from "kysely";
import { decodeCursor, encodeCursor } from "./page-cursor.js";
import type { Database } from "./schema.js";

export interface MergeHistoryEntry {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  actor: string;
  mergedAt: string;
  undoneAt: string | null;
  undoneBy: string | null;
}

/** Customer merges of one company, newest first, a page at a time (by customer, undone or not). */
export class MergeHistoryStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  async list(opts: {
    limit: number;
    cursor?: string;
    customerId?: string;
    undone?: boolean;
  }): Promise<{ items: MergeHistoryEntry[]; nextCursor: string | null }> {
    let q = this.db
      .selectFrom("customer_merges")
      .select(["id", "survivor_id", "merged_id", "actor", "merged_at", "undone_at", "undone_by"])
      .where("company_id", "=", this.companyId);
    if (opts.customerId !== undefined) {
      const id = opts.customerId;
      q = q.where((eb) => eb.or([eb("survivor_id", "=", id), eb("merged_id", "=", id)]));
    }
    if (opts.undone !== undefined) q = q.where("undone_at", opts.undone ? "is not" : "is", null);
    if (opts.cursor !== undefined) q = q.where("id", "<", decodeCursor(opts.cursor, { i: "string" }).i);
    const rows = await q
      .orderBy("id", "desc")
      .limit(opts.limit + 1)
      .execute();
    const page = rows.slice(0, opts.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        mergeId: r.id,
        survivorId: r.survivor_id,
        mergedId: r.merged_id,
        actor: r.actor,
        mergedAt: r.merged_at,
        undoneAt: r.undone_at,
        undoneBy: r.undone_by,
      })),
      nextCursor: rows.length > opts.limit && last !== undefined ? encodeCursor({ i: last.id }) : null,
    };
  }

  /** Whether the company has this merge. */
  async exists(mergeId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("customer_merges")
      .select("id")
      .where("company_id", "=", this.companyId)
      .where("id", "=", mergeId)
      .executeTakeFirst();
    return row !== undefined;
  }
}
