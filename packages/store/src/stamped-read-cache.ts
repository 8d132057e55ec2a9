import { sql, type Kysely } from "kysely";
import { searchDialectOf } from "./search-expressions.js";

/**
 * Reads that cost a scan but change only when the data does (the status page counting a company's
 * customers, the Errors view counting its open problems by category), kept until the database changes.
 *
 * On SQLite the change is known exactly, for the price of one tiny statement: `PRAGMA data_version`
 * moves when another connection commits (another process: a CLI sync beside the server), and
 * `total_changes()` when this connection writes (Kysely's SQLite driver has one connection, so that is
 * every write this process makes, committed or rolled back). So a kept value is never stale: it is the
 * answer the count would give now. PostgreSQL has no such token (its statistics lag), so there every
 * read counts afresh.
 */
type Stamp = string;

interface Kept {
  stamp: Stamp;
  value: unknown;
}

/** Kept values per database handle (a transaction is a handle of its own, with its own entries). */
const keptByDb = new WeakMap<Kysely<unknown>, Map<string, Kept>>();
/** Keys are per company and per filter; past this many, start afresh rather than grow without bound. */
const MAX_KEPT = 256;

/** What changes whenever the database may have changed; null where no cheap token exists. */
export async function changeStamp<DB>(handle: Kysely<DB>): Promise<Stamp | null> {
  const db = handle as Kysely<unknown>;
  if (searchDialectOf(db) !== "sqlite") return null;
  const r = await sql<{ changes: number; version: number }>`
    select total_changes() as changes, data_version as version from pragma_data_version`.execute(db);
  const row = r.rows[0];
  return row === undefined ? null : `${row.version}:${row.changes}`;
}

/**
 * `compute()`'s value for `key`, computed again only if the database changed since it was kept. The
 * stamp is read before computing: a write that lands while computing leaves the value kept under the
 * older stamp, so the next read computes again. Callers get their own copy (values are plain data).
 */
export async function readUnlessChanged<T, DB>(
  handle: Kysely<DB>,
  key: string,
  compute: () => Promise<T>,
): Promise<T> {
  const db = handle as Kysely<unknown>;
  const stamp = await changeStamp(db);
  if (stamp === null) return compute();
  let kept = keptByDb.get(db);
  const hit = kept?.get(key);
  if (hit !== undefined && hit.stamp === stamp) return structuredClone(hit.value as T);
  const value = await compute();
  if (kept === undefined) keptByDb.set(db, (kept = new Map()));
  if (kept.size >= MAX_KEPT) kept.clear();
  kept.set(key, { stamp, value: structuredClone(value) });
  return value;
}
