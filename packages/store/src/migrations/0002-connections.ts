import type { Kysely, Migration } from "kysely";

/**
 * The QBO connection per company (Enable toggle, settings, the sealed OAuth grant, needs-reconnect
 * state), pending OAuth authorizations (single-use `state`), and named locks shared by every process.
 */
export const connections: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("connections")
      .addColumn("company_id", "text", (c) => c.primaryKey().references("companies.id"))
      .addColumn("enabled", "boolean", (c) => c.notNull())
      .addColumn("realm_id", "text")
      .addColumn("sealed_grant", "text")
      .addColumn("needs_reconnect_reason", "text")
      .addColumn("needs_reconnect_at", "text")
      .addColumn("settings", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("oauth_states")
      .addColumn("state_hash", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("session_hash", "text", (c) => c.notNull())
      .addColumn("sealed_verifier", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("locks")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("holder", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ["locks", "oauth_states", "connections"]) await db.schema.dropTable(t).execute();
  },
};
