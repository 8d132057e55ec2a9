import { parseRecordRef } from "@ledgerlink/core";
import { sql, type Kysely, type RawBuilder } from "kysely";
import { decodeCursor, encodeCursor } from "./page-cursor.js";
import { refOf, type StoredKind } from "./record-ref-sql.js";
import type { Database } from "./schema.js";
import { maxChar, searchDialectOf, searchExpr, type SearchDialect } from "./search-expressions.js";

export type SearchRank = "exact" | "prefix" | "contains";
export type SearchMatched = "ref" | "id" | "qboId" | "name" | "email" | "phone";

export interface SearchHit {
  source: "app" | "qbo";
  /** The record kind (app) or the QBO entity. */
  kind: string;
  ref: string | null;
  id: string;
  qboId: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  active: boolean;
  matched: SearchMatched;
  rank: SearchRank;
}

export interface SearchPage {
  items: SearchHit[];
  nextCursor: string | null;
}

const rankOrder: Record<SearchRank, number> = { exact: 0, prefix: 1, contains: 2 };
const matchedOrder: Record<SearchMatched, number> = { ref: 0, id: 1, qboId: 2, email: 3, phone: 4, name: 5 };
const storedKinds: readonly StoredKind[] = ["customer", "item", "invoice", "creditMemo", "payment"];
const linkKindOfEntity: Record<string, StoredKind> = {
  Customer: "customer",
  Item: "item",
  Invoice: "invoice",
  CreditMemo: "creditMemo",
  Payment: "payment",
};
const entityOfKind = Object.fromEntries(Object.entries(linkKindOfEntity).map(([e, k]) => [k, e])) as Record<
  StoredKind,
  string
>;

/** `%`, `_` and the escape itself, escaped for `LIKE … ESCAPE '\'`. */
const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const phoneLike = /^[\d\s().+/-]+$/;
const bool = (v: unknown): boolean => v === true || v === 1;
/**
 * Past this many trigram candidates "contains" scans the name index instead: checking a candidate costs
 * a row read (about 2 µs), and text that common finds its page early in the scan.
 */
const TRIGRAM_CANDIDATES = 500;

interface RecordRow {
  kind: string;
  id: string;
  name: string | null;
  data: string;
  active: number | boolean;
}
interface ObjectRow {
  entity: string;
  qbo_id: string;
  active: number | boolean;
  data: string;
}

interface Candidate extends SearchHit {
  sortName: string;
}

/**
 * Smart search for one company over the app's records and the QBO mirror: a reference (`C:1042`,
 * `INV:77`), a bare id or QBO Id, a name, an email or a phone. Exact references and ids rank first, then
 * prefixes (of a name, email, phone or id), then names containing the text. Every lookup but "contains"
 * is an index range (see search-expressions.ts and migration 0008); "contains" only runs when the better
 * ranks did not fill the page, through the trigram index on SQLite (migration 0015), else as a scan of
 * the names.
 */
export class SearchStore {
  private readonly dialect: SearchDialect;
  private readonly trigramCandidatesMax: number;

  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
    /** Past this many trigram candidates "contains" scans the names instead (see trigramCandidates). */
    opts: { trigramCandidates?: number } = {},
  ) {
    this.dialect = searchDialectOf(db as Kysely<unknown>);
    this.trigramCandidatesMax = opts.trigramCandidates ?? TRIGRAM_CANDIDATES;
  }

  async search(opts: {
    q: string;
    source?: "app" | "qbo" | "all";
    limit: number;
    cursor?: string;
  }): Promise<SearchPage> {
    const q = opts.q.trim();
    const source = opts.source ?? "all";
    const offset = opts.cursor === undefined ? 0 : decodeCursor(opts.cursor, { o: "number" }).o;
    const want = offset + opts.limit + 1;
    const app = source !== "qbo";
    const qbo = source !== "app";
    const found = new Map<string, Candidate>();
    const add = (c: Candidate): void => {
      const key = `${c.source}\u0000${c.kind}\u0000${c.id}`;
      const prev = found.get(key);
      if (
        prev === undefined ||
        rankOrder[c.rank] < rankOrder[prev.rank] ||
        (c.rank === prev.rank && matchedOrder[c.matched] < matchedOrder[prev.matched])
      )
        found.set(key, c);
    };
    const lower = q.toLowerCase();

    const ref = parseRecordRef(q);
    if (ref !== undefined && ref.kind !== "account") {
      const kind = ref.kind as StoredKind;
      if (app) {
        const id = this.dialect === "postgres" ? sql<string>`(id collate "C")` : sql<string>`id`;
        for (const r of await this.records(undefined, sql`id = ${ref.id}`, 1, [kind]))
          add(this.appHit(r, "ref", "exact"));
        for (const r of await this.records(
          undefined,
          sql`${id} > ${ref.id} and ${id} < ${ref.id + maxChar}`,
          want,
          [kind],
        ))
          add(this.appHit(r, "ref", "prefix"));
      }
      if (qbo) {
        // The QBO object linked to the referenced record.
        const link = await this.db
          .selectFrom("links")
          .select("qbo_id")
          .where("company_id", "=", this.companyId)
          .where("entity", "=", kind)
          .where("local_id", "=", ref.id)
          .executeTakeFirst();
        if (link !== undefined)
          for (const o of await this.objects(
            undefined,
            sql`entity = ${entityOfKind[kind]} and qbo_id = ${link.qbo_id}`,
            1,
          ))
            add(this.qboHit(o, "ref", "exact"));
      }
    } else if (ref?.kind === "account" && qbo) {
      for (const o of await this.objects(undefined, sql`entity = 'Account' and qbo_id = ${ref.id}`, 1))
        add(this.qboHit(o, "ref", "exact"));
    }

    if (ref === undefined) {
      if (app)
        for (const r of await this.records(undefined, sql`id = ${q}`, want))
          add(this.appHit(r, "id", "exact"));
      if (qbo)
        for (const o of await this.objects("qbo_objects_company_id", sql`qbo_id = ${q}`, want))
          add(this.qboHit(o, "qboId", "exact"));
      const digits = phoneLike.test(q) ? q.replace(/\D/g, "") : "";
      const byExpr = async (
        rank: "exact" | "prefix",
        field: "name" | "email" | "phone",
        value: string,
      ): Promise<void> => {
        // Lower-cased by the database, as the index was: SQLite's lower() folds ASCII only.
        const v = field === "phone" ? sql<string>`${value}` : sql<string>`lower(${value})`;
        const upTo =
          field === "phone" ? sql<string>`${value + maxChar}` : sql<string>`lower(${value}) || ${maxChar}`;
        const match = (e: ReturnType<typeof searchExpr>) =>
          rank === "exact" ? sql<boolean>`${e} = ${v}` : sql<boolean>`${e} > ${v} and ${e} < ${upTo}`;
        if (app) {
          const e = searchExpr(
            this.dialect,
            field === "name" ? "recordName" : field === "email" ? "recordEmail" : "recordPhone",
          );
          const rows = await this.records(
            `records_search_${field}`,
            match(e),
            want,
            field === "name" ? storedKinds : ["customer"],
          );
          for (const r of rows) add(this.appHit(r, field, rank));
        }
        if (qbo) {
          const e = searchExpr(
            this.dialect,
            field === "name" ? "qboName" : field === "email" ? "qboEmail" : "qboPhone",
          );
          const rows = await this.objects(`qbo_objects_search_${field}`, match(e), want);
          for (const o of rows) add(this.qboHit(o, field, rank));
        }
      };
      for (const rank of ["exact", "prefix"] as const) {
        await byExpr(rank, "name", lower);
        if (!/\s/.test(q)) await byExpr(rank, "email", lower);
        if (digits.length >= 3) {
          await byExpr(rank, "phone", digits);
          // QBO often keeps the country code: 1 555… for a 555… typed in.
          if (rank === "exact" && digits.length === 10) await byExpr("exact", "phone", `1${digits}`);
        }
      }
      // Names containing the text, when the better ranks did not fill the page. Not for what is plainly
      // an email or a phone number: those are found by their indexes or not at all.
      if (found.size < want && lower.length >= 2 && !q.includes("@") && digits.length < 3) {
        const left = want - found.size;
        if (app)
          for (const r of await this.recordsContaining(lower, left)) add(this.appHit(r, "name", "contains"));
        if (qbo)
          for (const o of await this.objectsContaining(lower, left)) add(this.qboHit(o, "name", "contains"));
      }
    }

    const ranked = [...found.values()].sort(
      (a, b) =>
        rankOrder[a.rank] - rankOrder[b.rank] ||
        matchedOrder[a.matched] - matchedOrder[b.matched] ||
        (a.source === b.source ? 0 : a.source === "app" ? -1 : 1) ||
        (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const page = ranked.slice(offset, offset + opts.limit);
    await this.attachLinks(page);
    return {
      items: page.map(({ sortName: _s, ...hit }) => hit),
      nextCursor: ranked.length > offset + opts.limit ? encodeCursor({ o: offset + opts.limit }) : null,
    };
  }

  // ---- internals ---------------------------------------------------------------------------------

  /**
   * Up to `limit` live records whose name contains `text`: the first in the name index's order (kind,
   * lower-cased name, rowid), as a scan of that index finds them. On SQLite the trigram index (migration
   * 0015) lists the few rows that can match and only those are read (by rowid: `not indexed` keeps SQLite
   * from scanning an index on company and kind instead), checked and ordered; a scan of the name
   * index (it carries deleted_at, and SQLite is told to use it: from its statistics alone it may prefer
   * reading the whole table) is left for text the trigram index cannot narrow.
   */
  private async recordsContaining(text: string, limit: number): Promise<RecordRow[]> {
    const e = searchExpr(this.dialect, "recordName");
    const contains = sql`${e} like ${`%${likeEscape(text)}%`} escape '\\'`;
    const candidates = await this.trigramCandidates("records_name_trigrams", text);
    if (candidates === undefined) return this.records("records_search_name", contains, limit);
    const r = await sql<RecordRow>`
      select kind, id, name, data, active from records not indexed
      where rowid in (select value from json_each(${JSON.stringify(candidates)}))
        and company_id = ${this.companyId} and deleted_at is null and kind in (${sql.join(storedKinds)})
        and ${contains}
      order by kind, ${e}, rowid
      limit ${limit}`.execute(this.db);
    return r.rows;
  }

  /** Up to `limit` live QBO objects whose name contains `text`, in the name index's order (as above). */
  private async objectsContaining(text: string, limit: number): Promise<ObjectRow[]> {
    const e = searchExpr(this.dialect, "qboName");
    const contains = sql`${e} like ${`%${likeEscape(text)}%`} escape '\\'`;
    const candidates = await this.trigramCandidates("qbo_objects_name_trigrams", text);
    if (candidates === undefined) return this.objects("qbo_objects_search_name", contains, limit);
    const r = await sql<ObjectRow>`
      select entity, qbo_id, active, data from qbo_objects not indexed
      where rowid in (select value from json_each(${JSON.stringify(candidates)}))
        and company_id = ${this.companyId} and not deleted and ${contains}
      order by ${e}, rowid
      limit ${limit}`.execute(this.db);
    return r.rows;
  }

  /**
   * The rowids whose name holds every trigram of `text` (a superset of those containing it, case folded
   * as broadly as SQLite's lower() and LIKE or more), or undefined where the trigram index does not
   * help: on PostgreSQL, for text under three characters, and for text so common that more than
   * trigramCandidatesMax rows hold it (checking them all would cost more than the index scan, which then
   * soon finds its page). The index is shared by all companies; the caller scopes by company.
   */
  private async trigramCandidates(index: string, text: string): Promise<number[] | undefined> {
    if (this.dialect !== "sqlite") return undefined;
    const chars = [...text];
    if (chars.length < 3) return undefined;
    const grams = new Set<string>();
    for (let i = 0; i + 3 <= chars.length; i++) grams.add(chars.slice(i, i + 3).join(""));
    // Each trigram a quoted FTS5 string (quotes doubled), all required.
    const match = [...grams].map((g) => `"${g.replaceAll('"', '""')}"`).join(" ");
    const r = await sql<{ rowid: number }>`
      select rowid from ${sql.raw(index)} where ${sql.raw(index)} match ${match}
      limit ${this.trigramCandidatesMax + 1}`.execute(this.db);
    return r.rows.length > this.trigramCandidatesMax ? undefined : r.rows.map((row) => row.rowid);
  }

  /**
   * Live records of these kinds meeting `cond`. On SQLite the lookup is pinned to the index made for it
   * (migration 0008): with several indexes on `company_id, kind…` its planner may otherwise pick one
   * that leaves every customer's JSON to be read.
   */
  private async records(
    index: string | undefined,
    cond: RawBuilder<unknown>,
    limit: number,
    kinds: readonly StoredKind[] = storedKinds,
  ): Promise<RecordRow[]> {
    const r = await sql<RecordRow>`
      select kind, id, name, data, active from records ${this.indexedBy(index)}
      where company_id = ${this.companyId} and deleted_at is null and kind in (${sql.join(kinds)})
        and ${cond}
      limit ${limit}`.execute(this.db);
    return r.rows;
  }

  /** Live QBO objects meeting `cond` (pinned to its index on SQLite, as above). */
  private async objects(
    index: string | undefined,
    cond: RawBuilder<unknown>,
    limit: number,
  ): Promise<ObjectRow[]> {
    const r = await sql<ObjectRow>`
      select entity, qbo_id, active, data from qbo_objects ${this.indexedBy(index)}
      where company_id = ${this.companyId} and not deleted and ${cond}
      limit ${limit}`.execute(this.db);
    return r.rows;
  }

  private indexedBy(index: string | undefined): RawBuilder<unknown> {
    return index !== undefined && this.dialect === "sqlite" ? sql.raw(`indexed by ${index}`) : sql``;
  }

  private appHit(
    r: { kind: string; id: string; name: string | null; data: string; active: number | boolean },
    matched: SearchMatched,
    rank: SearchRank,
  ): Candidate {
    const data = JSON.parse(r.data) as Record<string, unknown>;
    const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
    return {
      source: "app",
      kind: r.kind,
      ref: refOf(r.kind as StoredKind, r.id),
      id: r.id,
      qboId: null,
      name: r.name,
      email: str(data["email"]),
      phone: str(data["phone"]),
      active: bool(r.active),
      matched,
      rank,
      sortName: (r.name ?? "").toLowerCase(),
    };
  }

  private qboHit(
    o: { entity: string; qbo_id: string; active: number | boolean; data: string },
    matched: SearchMatched,
    rank: SearchRank,
  ): Candidate {
    const data = JSON.parse(o.data) as Record<string, unknown>;
    const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
    const sub = (k: string, f: string): string | null =>
      str((data[k] as Record<string, unknown> | undefined)?.[f]);
    const name = str(data["DisplayName"]) ?? str(data["Name"]) ?? str(data["DocNumber"]);
    return {
      source: "qbo",
      kind: o.entity,
      ref: null,
      id: o.qbo_id,
      qboId: o.qbo_id,
      name,
      email: sub("PrimaryEmailAddr", "Address"),
      phone: sub("PrimaryPhone", "FreeFormNumber"),
      active: bool(o.active),
      matched,
      rank,
      sortName: (name ?? "").toLowerCase(),
    };
  }

  /** App hits get their QBO Id, QBO hits the reference of the app record linked to them. */
  private async attachLinks(page: Candidate[]): Promise<void> {
    for (const kind of storedKinds) {
      const appIds = page.filter((h) => h.source === "app" && h.kind === kind).map((h) => h.id);
      const qboIds = page
        .filter((h) => h.source === "qbo" && linkKindOfEntity[h.kind] === kind)
        .map((h) => h.id);
      if (appIds.length === 0 && qboIds.length === 0) continue;
      const links = await this.db
        .selectFrom("links")
        .select(["local_id", "qbo_id"])
        .where("company_id", "=", this.companyId)
        .where("entity", "=", kind)
        .where((eb) =>
          eb.or([
            ...(appIds.length > 0 ? [eb("local_id", "in", appIds)] : []),
            ...(qboIds.length > 0 ? [eb("qbo_id", "in", qboIds)] : []),
          ]),
        )
        .execute();
      const byLocal = new Map(links.map((l) => [l.local_id, l.qbo_id]));
      const byQbo = new Map(links.map((l) => [l.qbo_id, l.local_id]));
      for (const h of page) {
        if (h.source === "app" && h.kind === kind) h.qboId = byLocal.get(h.id) ?? null;
        if (h.source === "qbo" && linkKindOfEntity[h.kind] === kind) {
          const local = byQbo.get(h.id);
          h.ref = local === undefined ? null : refOf(kind, local);
        }
      }
    }
  }
}
