import type { Kysely, Migration } from "kysely";

/**
 * QBO's per-company limits shared by every worker: one pacing row per company (when the next request
 * and the next batch call may start) and one row per call in flight, each with an expiry so the slots
 * of a worker that died free themselves.
 */
export const rateBudgets: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("rate_budgets")
      .addColumn("company_id", "text", (c) => c.primaryKey())
      .addColumn("next_request_at", "double precision", (c) => c.notNull())
      .addColumn("next_batch_at", "double precision", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("rate_slots")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("holder", "text", (c) => c.notNull())
      .addColumn("expires_at", "double precision", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("rate_slots_company")
      .on("rate_slots")
      .columns(["company_id", "expires_at"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("rate_slots").execute();
    await db.schema.dropTable("rate_budgets").execute();
  },
};
