import { openDatabase, schemaMigrator, type DatabaseConfig } from "./open-database.js";

/** One migration of the store's schema, and when it ran on this database (null: pending). */
export interface MigrationState {
  name: string;
  executedAt: string | null;
}

/** The store's migrations on the database named by `config`, oldest first; nothing is changed. */
export async function migrationStatus(config: DatabaseConfig): Promise<MigrationState[]> {
  const { db, dialect, close } = await openDatabase({ ...config, migrate: false });
  try {
    const infos = await schemaMigrator(db, dialect, config).getMigrations();
    return infos.map((m) => ({ name: m.name, executedAt: m.executedAt?.toISOString() ?? null }));
  } finally {
    await close();
  }
}

/** Brings the schema up to date (what opening the store does anyway); returns the migrations it ran. */
export async function runMigrations(config: DatabaseConfig): Promise<string[]> {
  const open = await openDatabase({ ...config, migrate: false });
  try {
    return await open.migrate();
  } finally {
    await open.close();
  }
}
