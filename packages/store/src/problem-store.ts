import { errorCategories, type Finding, type Fix } from "@ledgerlink/core";
import type { Kysely, Selectable } from "kysely";
import { newId } from "./ids.js";
import { decodeCursor, encodeCursor } from "./page-cursor.js";
import { refPrefixRange, storedKindOfRef } from "./record-ref-sql.js";
import type { Database, MatchReviewItemsTable, SyncErrorsTable } from "./schema.js";
import { readUnlessChanged } from "./stamped-read-cache.js";

export type ProblemSource = "preflight" | "qbo" | "review";

/** One open problem as stored: a finding or QBO fault (`sync_errors`) or an open review item. */
export interface ProblemRow {
  /** The sync_errors id, or `rv-<review item id>`. */
  id: string;
  source: ProblemSource;
  category: string;
  ref: string;
  localId: string;
  severity: "blocks" | "warns" | null;
  message: string;
  detail: string | null;
  code: string | null;
  element: string | null;
  rule: string | null;
  field: string | null;
  fixes: Fix[];
  runId: string | null;
  createdAt: string;
  resolvedAt: string | null;
  review?: { itemId: string; qboId: string; score: number; reasons: string[] };
}

export interface ProblemFilter {
  category?: string;
  source?: ProblemSource;
  ref?: string;
  /** A reference prefix: `C`, `ITEM`, `INV`, `CM`, `PMT`, `ACCT`. */
  refPrefix?: string;
}

export interface ProblemPage {
  groups: { category: string; count: number }[];
  total: number;
  items: ProblemRow[];
  nextCursor: string | null;
}

/** The cursor's id is the bare row id (review items without their prefix), so both tables compare alike. */
const reviewIdPrefix = "rv-";
const CHUNK = 500;

function errorRow(r: Selectable<SyncErrorsTable>): ProblemRow {
  return {
    id: r.id,
    source: r.source === "preflight" ? "preflight" : "qbo",
    category: r.category,
    ref: r.ref,
    localId: r.local_id,
    severity: r.severity === "warns" ? "warns" : r.severity === "blocks" ? "blocks" : null,
    message: r.message,
    detail: r.detail,
    code: r.code,
    element: r.element,
    rule: r.rule,
    field: r.field,
    fixes: r.fixes === null ? [] : (JSON.parse(r.fixes) as Fix[]),
    runId: r.run_id,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
  };
}

function reviewRow(r: Selectable<MatchReviewItemsTable>): ProblemRow {
  const reasons = JSON.parse(r.reasons) as string[];
  return {
    id: `${reviewIdPrefix}${r.id}`,
    source: "review",
    category: "duplicate",
    ref: `C:${r.local_id}`,
    localId: r.local_id,
    severity: "blocks",
    message: `May be the same customer as QuickBooks customer ${r.qbo_id} (score ${Number(r.score).toFixed(2)})`,
    detail: null,
    code: null,
    element: null,
    rule: null,
    field: null,
    fixes: [],
    runId: r.run_id,
    createdAt: r.opened_at,
    resolvedAt: r.status === "open" ? null : (r.resolved_at ?? r.opened_at),
    review: { itemId: r.id, qboId: r.qbo_id, score: Number(r.score), reasons },
  };
}

/**
 * Every open problem of one company, for the Errors view: pre-flight findings and run-time QBO faults
 * (`sync_errors`) and the matches waiting for review, in one list ordered by category (core's order),
 * then newest first, a page at a time (keyset: category, time, id). Also the writes a fix makes: resolve
 * a record's problems and replace its findings after it was validated again.
 */
export class ProblemStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  async list(filter: ProblemFilter, opts: { limit: number; cursor?: string }): Promise<ProblemPage> {
    const after =
      opts.cursor === undefined
        ? undefined
        : decodeCursor(opts.cursor, { c: "string", t: "string", i: "string" });
    const counts = await this.countByCategory(filter);
    const items: ProblemRow[] = [];
    let startAt =
      after === undefined ? 0 : errorCategories.indexOf(after.c as (typeof errorCategories)[number]);
    if (startAt < 0) startAt = errorCategories.length;
    for (let ci = startAt; ci < errorCategories.length && items.length <= opts.limit; ci++) {
      const category = errorCategories[ci]!;
      if ((counts.get(category) ?? 0) === 0) continue;
      const key = after !== undefined && after.c === category ? { t: after.t, i: after.i } : undefined;
      const want = opts.limit + 1 - items.length;
      const rows = await this.pageOfCategory(category, filter, key, want);
      items.push(...rows);
    }
    const page = items.slice(0, opts.limit);
    const last = page[page.length - 1];
    return {
      groups: errorCategories
        .filter((c) => (counts.get(c) ?? 0) > 0)
        .map((c) => ({ category: c, count: counts.get(c)! })),
      total: [...counts.values()].reduce((a, b) => a + b, 0),
      items: page,
      nextCursor:
        items.length > opts.limit && last !== undefined
          ? encodeCursor({ c: last.category, t: last.createdAt, i: bareId(last) })
          : null,
    };
  }

  /** One problem by id, open or not; undefined when this company has none with that id. */
  async get(id: string): Promise<ProblemRow | undefined> {
    if (id.startsWith(reviewIdPrefix)) {
      const row = await this.db
        .selectFrom("match_review_items")
        .selectAll()
        .where("company_id", "=", this.companyId)
        .where("id", "=", id.slice(reviewIdPrefix.length))
        .executeTakeFirst();
      return row === undefined ? undefined : reviewRow(row);
    }
    const row = await this.db
      .selectFrom("sync_errors")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("id", "=", id)
      .executeTakeFirst();
    return row === undefined ? undefined : errorRow(row);
  }

  /** The open problems of one record (findings and faults; review items when it is a customer). */
  async openForRef(ref: string): Promise<ProblemRow[]> {
    const page = await this.list({ ref }, { limit: 500 });
    return page.items;
  }

  /** Resolves the open findings and faults of records (a fix made them obsolete); returns their ids. */
  async resolveForRefs(
    refs: readonly string[],
    at: string,
    sources: readonly ("preflight" | "qbo")[] = ["preflight", "qbo"],
  ): Promise<string[]> {
    if (refs.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      const ids: string[] = [];
      for (let i = 0; i < refs.length; i += CHUNK) {
        const rows = await trx
          .updateTable("sync_errors")
          .set({ resolved_at: at })
          .where("company_id", "=", this.companyId)
          .where("ref", "in", refs.slice(i, i + CHUNK))
          .where("source", "in", sources)
          .where("resolved_at", "is", null)
          .returning("id")
          .execute();
        ids.push(...rows.map((r) => r.id));
      }
      return ids;
    });
  }

  /** Resolves these problems (findings or faults a fix dealt with); returns the ids that were open. */
  async resolve(ids: readonly string[], at: string): Promise<string[]> {
    const plain = ids.filter((id) => !id.startsWith(reviewIdPrefix));
    if (plain.length === 0) return [];
    const rows = await this.db
      .updateTable("sync_errors")
      .set({ resolved_at: at })
      .where("company_id", "=", this.companyId)
      .where("id", "in", plain)
      .where("resolved_at", "is", null)
      .returning("id")
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * After records were validated again: their open findings become exactly `findings` (those still
   * found keep their ids, the others are resolved, new ones opened). Returns the ids resolved.
   */
  async replaceFindingsFor(
    refs: readonly string[],
    findings: readonly Finding[],
    runId: string,
    at: string,
  ): Promise<{ resolved: { id: string; ref: string }[]; opened: string[] }> {
    const key = (ref: string, rule: string | null, field: string | null, message: string): string =>
      `${ref}\u0000${rule ?? ""}\u0000${field ?? ""}\u0000${message}`;
    const wanted = new Set(refs);
    return this.db.transaction().execute(async (trx) => {
      const open: { id: string; ref: string; rule: string | null; field: string | null; message: string }[] =
        [];
      for (let i = 0; i < refs.length; i += CHUNK)
        open.push(
          ...(await trx
            .selectFrom("sync_errors")
            .select(["id", "ref", "rule", "field", "message"])
            .where("company_id", "=", this.companyId)
            .where("source", "=", "preflight")
            .where("resolved_at", "is", null)
            .where("ref", "in", refs.slice(i, i + CHUNK))
            .execute()),
        );
      const openByKey = new Map(open.map((r) => [key(r.ref, r.rule, r.field, r.message), r.id]));
      const keep = new Set<string>();
      const opened: string[] = [];
      const inserts = [];
      for (const f of findings) {
        if (!wanted.has(f.ref)) continue;
        const k = key(f.ref, f.rule.id, f.field ?? null, f.message);
        if (keep.has(k)) continue;
        keep.add(k);
        if (openByKey.has(k)) continue;
        const id = newId();
        opened.push(id);
        inserts.push({
          id,
          company_id: this.companyId,
          run_id: runId,
          ref: f.ref,
          local_id: storedKindOfRef(f.ref)?.id ?? f.ref.slice(f.ref.indexOf(":") + 1),
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
      const gone = open.filter((r) => !keep.has(key(r.ref, r.rule, r.field, r.message)));
      for (let i = 0; i < gone.length; i += CHUNK)
        await trx
          .updateTable("sync_errors")
          .set({ resolved_at: at })
          .where("company_id", "=", this.companyId)
          .where(
            "id",
            "in",
            gone.slice(i, i + CHUNK).map((r) => r.id),
          )
          .execute();
      for (let i = 0; i < inserts.length; i += 200)
        await trx
          .insertInto("sync_errors")
          .values(inserts.slice(i, i + 200))
          .execute();
      return { resolved: gone.map((r) => ({ id: r.id, ref: r.ref })), opened };
    });
  }

  // ---- internals ---------------------------------------------------------------------------------

  private wantsErrors(filter: ProblemFilter): boolean {
    return filter.source !== "review";
  }

  private wantsReviews(filter: ProblemFilter, category?: string): boolean {
    if (filter.source !== undefined && filter.source !== "review") return false;
    if ((category ?? filter.category) !== undefined && (category ?? filter.category) !== "duplicate")
      return false;
    if (filter.refPrefix !== undefined && filter.refPrefix !== "C") return false;
    if (filter.ref !== undefined && !filter.ref.startsWith("C:")) return false;
    return true;
  }

  private errorsQuery(filter: ProblemFilter) {
    let q = this.db
      .selectFrom("sync_errors")
      .where("company_id", "=", this.companyId)
      .where("resolved_at", "is", null);
    if (filter.category !== undefined) q = q.where("category", "=", filter.category);
    if (filter.source !== undefined) q = q.where("source", "=", filter.source);
    if (filter.ref !== undefined) q = q.where("ref", "=", filter.ref);
    if (filter.refPrefix !== undefined) {
      const [lo, hi] = refPrefixRange(filter.refPrefix);
      q = q.where("ref", ">=", lo).where("ref", "<", hi);
    }
    return q;
  }

  /** Open review items with something left to decide: local customer live, neither side linked. */
  private reviewsQuery(filter: ProblemFilter) {
    let q = this.db
      .selectFrom("match_review_items as i")
      .where("i.company_id", "=", this.companyId)
      .where("i.status", "=", "open")
      .where(({ exists, not, selectFrom }) =>
        exists(
          selectFrom("records as r")
            .select("r.id")
            .whereRef("r.company_id", "=", "i.company_id")
            .where("r.kind", "=", "customer")
            .whereRef("r.id", "=", "i.local_id")
            .where("r.deleted_at", "is", null),
        ).and(
          not(
            exists(
              selectFrom("links as l")
                .select("l.local_id")
                .whereRef("l.company_id", "=", "i.company_id")
                .where("l.entity", "=", "customer")
                .where((eb) =>
                  eb.or([
                    eb("l.local_id", "=", eb.ref("i.local_id")),
                    eb("l.qbo_id", "=", eb.ref("i.qbo_id")),
                  ]),
                ),
            ),
          ),
        ),
      );
    if (filter.ref !== undefined) q = q.where("i.local_id", "=", filter.ref.slice(2));
    return q;
  }

  /**
   * Kept until the database changes (see stamped-read-cache.ts): the counts are a scan of every open
   * problem (10,000 in bench/api.ts), on every page of the Errors view.
   */
  private countByCategory(filter: ProblemFilter): Promise<Map<string, number>> {
    const key = `problem-counts\u0000${this.companyId}\u0000${JSON.stringify(filter)}`;
    return readUnlessChanged(this.db, key, () => this.countByCategoryNow(filter));
  }

  private async countByCategoryNow(filter: ProblemFilter): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (this.wantsErrors(filter)) {
      const rows = await this.errorsQuery(filter)
        .select(["category", (eb) => eb.fn.countAll().as("n")])
        .groupBy("category")
        .execute();
      for (const r of rows) counts.set(r.category, Number(r.n));
    }
    if (this.wantsReviews(filter)) {
      const row = await this.reviewsQuery(filter)
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirst();
      const n = Number(row?.n ?? 0);
      if (n > 0) counts.set("duplicate", (counts.get("duplicate") ?? 0) + n);
    }
    return counts;
  }

  private async pageOfCategory(
    category: string,
    filter: ProblemFilter,
    after: { t: string; i: string } | undefined,
    limit: number,
  ): Promise<ProblemRow[]> {
    const out: ProblemRow[] = [];
    if (this.wantsErrors(filter)) {
      let q = this.errorsQuery(filter).selectAll().where("category", "=", category);
      if (after !== undefined)
        q = q.where((eb) =>
          eb.or([
            eb("created_at", "<", after.t),
            eb.and([eb("created_at", "=", after.t), eb("id", "<", after.i)]),
          ]),
        );
      const rows = await q.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
      out.push(...rows.map(errorRow));
    }
    if (this.wantsReviews(filter, category)) {
      let q = this.reviewsQuery(filter).selectAll("i");
      if (after !== undefined) {
        q = q.where((eb) =>
          eb.or([
            eb("i.opened_at", "<", after.t),
            eb.and([eb("i.opened_at", "=", after.t), eb("i.id", "<", after.i)]),
          ]),
        );
      }
      const rows = await q.orderBy("i.opened_at", "desc").orderBy("i.id", "desc").limit(limit).execute();
      out.push(...rows.map(reviewRow));
      out.sort((a, b) =>
        a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : bareId(a) < bareId(b) ? 1 : -1,
      );
    }
    return out.slice(0, limit);
  }
}

const bareId = (p: ProblemRow): string => (p.source === "review" ? p.review!.itemId : p.id);
