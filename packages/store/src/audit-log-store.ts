import type { Kysely } from "kysely";
import { decodeCursor, encodeCursor } from "./page-cursor.js";
import type { Database } from "./schema.js";
import { maxChar } from "./search-expressions.js";

export interface AuditLogEntry {
  id: string;
  at: string;
  actor: string;
  ref: string;
  action: string;
  /** `detail.before` and `detail.after` when the action recorded them. */
  before: unknown;
  after: unknown;
  detail: unknown;
}

/** The audit log of one company, newest first, filtered by record, actor, action (or `prefix.*`) and time. */
export class AuditLogStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  async list(opts: {
    limit: number;
    cursor?: string;
    ref?: string;
    actor?: string;
    action?: string;
    since?: string;
    until?: string;
  }): Promise<{ items: AuditLogEntry[]; nextCursor: string | null }> {
    let q = this.db.selectFrom("audit_events").selectAll().where("company_id", "=", this.companyId);
    if (opts.ref !== undefined) q = q.where("ref", "=", opts.ref);
    if (opts.actor !== undefined) q = q.where("actor", "=", opts.actor);
    if (opts.action !== undefined) {
      if (opts.action.endsWith("*")) {
        const prefix = opts.action.slice(0, -1);
        q = q.where("action", ">=", prefix).where("action", "<", prefix + maxChar);
      } else q = q.where("action", "=", opts.action);
    }
    if (opts.since !== undefined) q = q.where("at", ">=", opts.since);
    if (opts.until !== undefined) q = q.where("at", "<", opts.until);
    if (opts.cursor !== undefined) q = q.where("id", "<", decodeCursor(opts.cursor, { i: "string" }).i);
    const rows = await q
      .orderBy("id", "desc")
      .limit(opts.limit + 1)
      .execute();
    const page = rows.slice(0, opts.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => {
        const detail = JSON.parse(r.detail) as unknown;
        const d = detail !== null && typeof detail === "object" ? (detail as Record<string, unknown>) : {};
        return {
          id: r.id,
          at: r.at,
          actor: r.actor,
          ref: r.ref,
          action: r.action,
          before: d["before"] ?? null,
          after: d["after"] ?? null,
          detail,
        };
      }),
      nextCursor: rows.length > opts.limit && last !== undefined ? encodeCursor({ i: last.id }) : null,
    };
  }
}
