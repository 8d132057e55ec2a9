import type { Kysely, Migration } from "kysely";

/**
 * The account log: who created, changed or disabled a console user, changed or reset a password,
 * created or revoked an API key, and when. Operator-level like the accounts themselves (a user may span
 * companies), so it is not the per-company audit log; `company_id` is the scope of the account the
 * entry is about (null: operator-wide). Never a password, hash or key: names, roles, prefixes.
 */
export const authEvents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("auth_events")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("subject_id", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("company_id", "text")
      .addColumn("detail", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("auth_events_subject").on("auth_events").column("subject_id").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("auth_events").execute();
  },
};
