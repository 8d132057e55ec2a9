import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { migrationProvider } from "./migrations/index.js";
import type { Database } from "./schema.js";

export type Dialect = "sqlite" | "postgres";

export interface DatabaseConfig {
  /**
   * `postgres://…` / `postgresql://…` for PostgreSQL; `sqlite:<path>` or a plain file path for SQLite
   * (`:memory:` works for throw-away stores).
   */
  url: string;
  /** PostgreSQL schema to use (created if missing); lets tests and tenants share one server. */
  schema?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** `false` opens the database as it is, without bringing its schema up to date (`ledgerlink migrate`). */
  migrate?: boolean;
}

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

export function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//.test(url) ? "postgres" : "sqlite";
}

/** The migrator of the store's schema (its bookkeeping tables live in the schema the store runs in). */
export function schemaMigrator(db: Kysely<Database>, dialect: Dialect, config: DatabaseConfig): Migrator {
  return new Migrator({
    db,
    provider: migrationProvider,
    // Kysely looks for its bookkeeping tables in "public" unless told the schema we run in.
    ...(dialect === "postgres" && config.schema !== undefined ? { migrationTableSchema: config.schema } : {}),
  });
}

/** Opens the database named by the URL and brings its schema up to date. */
export async function openDatabase(config: DatabaseConfig): Promise<OpenDatabase> {
  const dialect = dialectOf(config.url);
  let db: Kysely<Database>;
  if (dialect === "postgres") {
    const schema = config.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new Error(`database schema must be a lower-case SQL identifier, got "${schema}"`);
    }
    if (schema !== undefined) {
      const admin = new pg.Client({ connectionString: config.url });
      await admin.connect();
      try {
        await admin.query(`create schema if not exists ${schema}`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize ?? 10,
      ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    const file = config.url.replace(/^sqlite:/, "");
    if (file !== ":memory:") mkdirSync(dirname(resolve(file)), { recursive: true });
    const sqlite = new SQLite(file);
    // WAL lets readers (dashboard, API) run while a sync writes; busy_timeout rides out short locks.
    sqlite.pragma("journal_mode = WAL");
    // synchronous stays FULL (SQLite's default), not NORMAL: NORMAL can lose the last commits on power
    // loss, and a lost link to a record just created in QBO would create it again on the next sync. The
    // ingest bench meets its target without it: writes are few large transactions, so fsyncs are few.
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("foreign_keys = ON");
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  if (config.migrate === false) return { db, dialect, close: () => db.destroy() };
  const migrator = schemaMigrator(db, dialect, config);
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { db, dialect, close: () => db.destroy() };
}
