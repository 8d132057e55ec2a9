import type { Kysely, Migration } from "kysely";

/**
 * The QBO mirror: every object pulled from the company's QBO (the wire JSON in `data`, its version in
 * `sync_token` and `last_updated`, UTC ISO so it compares as text), one state row per company (the
 * pull's checkpoint and QBO's Preferences), and the merged-away id a `Merge` webhook notice carries.
 */
export const qboMirror: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("qbo_objects")
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("entity", "text", (c) => c.notNull())
      .addColumn("qbo_id", "text", (c) => c.notNull())
      .addColumn("sync_token", "text", (c) => c.notNull())
      .addColumn("active", "boolean", (c) => c.notNull())
      .addColumn("deleted", "boolean", (c) => c.notNull())
      .addColumn("last_updated", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("qbo_objects_pk", ["company_id", "entity", "qbo_id"])
      .execute();
    await db.schema
      .createTable("qbo_mirror_state")
      .addColumn("company_id", "text", (c) => c.primaryKey().references("companies.id"))
      .addColumn("since", "text")
      .addColumn("full_pull_at", "text")
      .addColumn("preferences", "text")
      .addColumn("preferences_at", "text")
      .execute();
    await db.schema.alterTable("qbo_changes").addColumn("deleted_id", "text").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("qbo_changes").dropColumn("deleted_id").execute();
    await db.schema.dropTable("qbo_mirror_state").execute();
    await db.schema.dropTable("qbo_objects").execute();
  },
};
