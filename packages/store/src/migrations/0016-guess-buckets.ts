import type { Kysely, Migration } from "kysely";

/**
 * The buckets that slow password and API-key guessing, one per client address, kept in the database so
 * every server process behind a load balancer spends from the same one (in memory, N processes let an
 * address guess N times as often). Times are epoch milliseconds.
 */
export const guessBuckets: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("guess_buckets")
      .addColumn("address", "text", (c) => c.primaryKey())
      .addColumn("tokens", "double precision", (c) => c.notNull())
      .addColumn("updated_at", "double precision", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("guess_buckets_updated").on("guess_buckets").column("updated_at").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("guess_buckets").execute();
  },
};
