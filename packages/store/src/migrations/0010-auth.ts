import type { Kysely, Migration } from "kysely";

/**
 * Who may use the API and the console: integrator API keys (only a SHA-256 of the key is kept; the key
 * is shown once), console users (an argon2 hash of the password) and their sessions (hashes of the
 * session and CSRF tokens). A null company_id means operator-wide; otherwise the principal sees that
 * one company only.
 */
export const auth: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("api_keys")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("key_hash", "text", (c) => c.notNull().unique())
      .addColumn("prefix", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("company_id", "text", (c) => c.references("companies.id"))
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("last_used_at", "text")
      .addColumn("revoked_at", "text")
      .execute();
    await db.schema
      .createTable("users")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("email", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("company_id", "text", (c) => c.references("companies.id"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("disabled_at", "text")
      .execute();
    await db.schema
      .createTable("sessions")
      .addColumn("token_hash", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
      .addColumn("csrf_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ["sessions", "users", "api_keys"]) await db.schema.dropTable(t).execute();
  },
};
