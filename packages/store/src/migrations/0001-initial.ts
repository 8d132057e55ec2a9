import type { Kysely, Migration } from "kysely";

/** The walking skeleton's tables: companies, customers, links, sync runs, sync errors, audit events. */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("companies")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("customers")
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("parent_id", "text")
      .addColumn("display_name", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("active", "boolean", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("customers_pk", ["company_id", "id"])
      .execute();

    await db.schema
      .createTable("links")
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("entity", "text", (c) => c.notNull())
      .addColumn("local_id", "text", (c) => c.notNull())
      .addColumn("qbo_id", "text", (c) => c.notNull())
      .addColumn("sync_token", "text", (c) => c.notNull())
      .addColumn("fingerprint", "text", (c) => c.notNull())
      .addColumn("last_synced_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("links_pk", ["company_id", "entity", "local_id"])
      // One local record ↔ one QBO record, both ways.
      .addUniqueConstraint("links_qbo_unique", ["company_id", "entity", "qbo_id"])
      .execute();

    await db.schema
      .createTable("sync_runs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("created", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("updated", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("skipped", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("failed", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex("sync_runs_company")
      .on("sync_runs")
      .columns(["company_id", "started_at"])
      .execute();

    await db.schema
      .createTable("sync_errors")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("ref", "text", (c) => c.notNull())
      .addColumn("local_id", "text", (c) => c.notNull())
      .addColumn("category", "text", (c) => c.notNull())
      .addColumn("code", "text")
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("detail", "text")
      .addColumn("element", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("resolved_at", "text")
      .execute();
    await db.schema
      .createIndex("sync_errors_open")
      .on("sync_errors")
      .columns(["company_id", "resolved_at", "category"])
      .execute();

    await db.schema
      .createTable("audit_events")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("ref", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("detail", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("audit_events_company")
      .on("audit_events")
      .columns(["company_id", "at"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ["audit_events", "sync_errors", "sync_runs", "links", "customers", "companies"]) {
      await db.schema.dropTable(t).execute();
    }
  },
};
