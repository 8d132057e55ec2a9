import type { Kysely, Migration } from "kysely";

/**
 * The sync engine's durable state: the outbox (one row per write of a run, so a runner killed at any
 * instant can be resumed without writing twice), run details, staff holds on the Ready-To-Sync
 * queue, schedules, and pre-flight findings kept beside run-time errors.
 */
export const syncOutbox: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("sync_ops")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("ref", "text", (c) => c.notNull())
      .addColumn("entity", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("request_id", "text", (c) => c.notNull())
      .addColumn("batch_key", "text")
      .addColumn("payload", "text")
      .addColumn("fingerprint", "text")
      .addColumn("qbo_id", "text")
      .addColumn("sync_token", "text")
      .addColumn("needs", "text", (c) => c.notNull())
      .addColumn("error", "text")
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("sync_ops_state").on("sync_ops").columns(["company_id", "state"]).execute();
    await db.schema
      .createIndex("sync_ops_ref")
      .on("sync_ops")
      .columns(["company_id", "ref", "state"])
      .execute();
    await db.schema
      .createIndex("sync_ops_run")
      .on("sync_ops")
      .columns(["company_id", "run_id", "seq"])
      .execute();

    await db.schema
      .alterTable("sync_runs")
      .addColumn("trigger", "text", (c) => c.notNull().defaultTo("manual"))
      .execute();
    await db.schema.alterTable("sync_runs").addColumn("summary", "text").execute();
    await db.schema.alterTable("sync_runs").addColumn("note", "text").execute();
    await db.schema.alterTable("sync_runs").addColumn("cancel_requested_at", "text").execute();

    await db.schema
      .alterTable("sync_errors")
      .addColumn("source", "text", (c) => c.notNull().defaultTo("qbo"))
      .execute();
    await db.schema.alterTable("sync_errors").addColumn("severity", "text").execute();
    await db.schema.alterTable("sync_errors").addColumn("rule", "text").execute();
    await db.schema.alterTable("sync_errors").addColumn("field", "text").execute();
    await db.schema.alterTable("sync_errors").addColumn("fixes", "text").execute();
    await db.schema
      .createIndex("sync_errors_ref")
      .on("sync_errors")
      .columns(["company_id", "ref", "resolved_at"])
      .execute();

    await db.schema
      .createTable("queue_holds")
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("ref", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("reason", "text")
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("queue_holds_pk", ["company_id", "ref"])
      .execute();

    await db.schema
      .createTable("sync_schedules")
      .addColumn("company_id", "text", (c) => c.primaryKey().references("companies.id"))
      .addColumn("mode", "text", (c) => c.notNull())
      .addColumn("every_minutes", "integer")
      .addColumn("daily_at", "text")
      .addColumn("time_zone", "text")
      .addColumn("next_run_at", "text")
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("sync_schedules").execute();
    await db.schema.dropTable("queue_holds").execute();
    await db.schema.dropIndex("sync_errors_ref").execute();
    for (const col of ["fixes", "field", "rule", "severity", "source"])
      await db.schema.alterTable("sync_errors").dropColumn(col).execute();
    for (const col of ["cancel_requested_at", "note", "summary", "trigger"])
      await db.schema.alterTable("sync_runs").dropColumn(col).execute();
    await db.schema.dropTable("sync_ops").execute();
  },
};
