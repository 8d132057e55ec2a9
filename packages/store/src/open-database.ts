import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SQLite from "better-sqlite3";
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from "kysely";
import pg from "pg";
import { migrationProvider } from "./migrations/index.js";
import type { Database } from "./schema.js";
import { withStatementCache } from "./sqlite-statement-cache.js";

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
  /** Brings the schema up to date; returns the migrations this call ran (see migrateSchema). */
  migrate(): Promise<string[]>;
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
  let migrator: () => Migrator;
  let close = (): Promise<void> => db.destroy();
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
    // Kysely runs PostgreSQL migrations in one transaction under an advisory lock.
    migrator = () => schemaMigrator(db, dialect, config);
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
    // Kysely prepares each statement on every call; the API runs the same few dozen (see the file).
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    // Kysely closes the connection only if its own driver was used; migrating uses another one.
    close = async () => {
      await db.destroy();
      if (sqlite.open) sqlite.close();
    };
    migrator = () =>
      schemaMigrator(
        new Kysely<Database>({ dialect: new SqliteMigrationDialect({ database: sqlite }) }),
        dialect,
        config,
      );
  }
  const open: OpenDatabase = {
    db,
    dialect,
    migrate: () => migrateSchema(migrator()),
    close: () => close(),
  };
  if (config.migrate === false) return open;
  try {
    await open.migrate();
  } catch (err) {
    await open.close();
    throw err;
  }
  return open;
}

/**
 * Kysely's SQLite adapter runs migrations outside a transaction and locks nothing across processes:
 * two processes opening a new file at once (`npm start` beside `ledgerlink sync`) both ran the first
 * migration and one failed ("table already exists"), and a process killed inside a migration left it
 * half applied and unrecorded, so the file could not be opened again. SQLite's DDL is transactional:
 * this dialect, on the store's own connection and used for migrating only, runs them in one `BEGIN
 * IMMEDIATE` transaction, which takes the write lock first, so a second process waits (busy_timeout)
 * and then finds the migrations done.
 */
class SqliteMigrationDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }
  override createDriver(): Driver {
    return new SqliteMigrationDriver(this.settings);
  }
  override createAdapter(): DialectAdapter {
    return new SqliteMigrationAdapter();
  }
}

class SqliteMigrationAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class SqliteMigrationDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
  // The connection is the store's: its own Kysely closes it.
  override async destroy(): Promise<void> {}
}

/** Brings the schema up to date; returns the migrations this call ran. */
async function migrateSchema(migrator: Migrator): Promise<string[]> {
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
