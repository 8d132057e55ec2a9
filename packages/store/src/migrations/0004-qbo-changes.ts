import type { Kysely, Migration } from "kysely";

/**
 * Changes QBO told us about (webhooks) and that the next pull must fetch: one row per QBO record, the
 * latest notice wins, so duplicate and out-of-order deliveries are harmless.
 */
export const qboChanges: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("qbo_changes")
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("entity", "text", (c) => c.notNull())
      .addColumn("qbo_id", "text", (c) => c.notNull())
      .addColumn("operation", "text", (c) => c.notNull())
      .addColumn("last_updated", "text", (c) => c.notNull())
      .addColumn("received_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("qbo_changes_pk", ["company_id", "entity", "qbo_id"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("qbo_changes").execute();
  },
};
