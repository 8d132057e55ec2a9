import type SQLite from "better-sqlite3";
import type { SqliteDatabase } from "kysely";

/** Distinct statement texts kept; an IN list of each length is a text of its own, so bound it. */
const MAX_KEPT = 500;

/**
 * A better-sqlite3 database for Kysely's SQLite dialect that keeps the statements it prepares. Kysely's
 * driver prepares every statement on every call, and the API runs the same few dozen texts over and
 * over: preparing was about a third of the SQLite time of the errors list and search under load
 * (bench/api.ts, profiled). A kept statement is handed out only when idle: `busy` is true while an
 * iterator is open on it (Kysely's streamed queries), and then a fresh one is prepared. SQLite prepares a
 * kept statement again by itself when the schema changed. Past MAX_KEPT texts the least recently used
 * is dropped (better-sqlite3 finalizes it when collected, or when the database closes).
 */
export function withStatementCache(db: SQLite.Database, max = MAX_KEPT): SqliteDatabase {
  const kept = new Map<string, SQLite.Statement>();
  return {
    close: () => db.close(),
    prepare(text: string) {
      const hit = kept.get(text);
      if (hit !== undefined && !hit.busy) {
        // Most recently used last: Map keeps insertion order.
        kept.delete(text);
        kept.set(text, hit);
        return hit;
      }
      const statement = db.prepare(text);
      if (hit === undefined) {
        kept.set(text, statement);
        if (kept.size > max) kept.delete(kept.keys().next().value!);
      }
      return statement;
    },
  };
}
