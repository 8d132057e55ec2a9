import { sql, type Kysely } from "kysely";
import { migrations } from "./migrations/index.js";
import type { Database } from "./schema.js";

export interface StoreReadiness {
  /** Migrations of this build not yet applied to the database (empty when ready). */
  pendingMigrations: string[];
}

/** What workers and the readiness probe ask of the store across companies. */
export class JobStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Companies whose last run is still marked running while no live lease covers it: their runner died
   * (killed, host lost) and nobody has taken over yet. A worker queues a sync for each; the new run
   * recovers what the dead one sent.
   */
  async stalledCompanies(now: Date): Promise<string[]> {
    return [...new Set((await this.stalledRuns(now)).map((r) => r.companyId))];
  }

  /** The stalled runs themselves, with the trigger that started each (the re-queued sync keeps it). */
  async stalledRuns(now: Date): Promise<{ companyId: string; runId: string; trigger: string }[]> {
    const rows = await this.db
      .selectFrom("sync_runs as r")
      .select(["r.company_id", "r.id", "r.trigger"])
      .where("r.status", "=", "running")
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("locks as l")
              .select("l.name")
              .whereRef("l.name", "=", sql<string>`${"sync-lease:"} || r.company_id`)
              .where("l.expires_at", ">", now.toISOString()),
          ),
        ),
      )
      .orderBy("r.started_at")
      .execute();
    return rows.map((r) => ({ companyId: r.company_id, runId: r.id, trigger: r.trigger }));
  }

  /** Throws when the database cannot be reached; lists migrations this build has that it lacks. */
  async readiness(): Promise<StoreReadiness> {
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(this.db);
    const have = new Set(applied.rows.map((r) => r.name));
    return { pendingMigrations: Object.keys(migrations).filter((m) => !have.has(m)) };
  }
}
