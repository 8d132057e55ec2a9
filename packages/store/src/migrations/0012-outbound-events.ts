import type { Kysely, Migration } from "kysely";

/**
 * Outbound events for the business app: a durable outbox of events (written in the transaction of what
 * they describe), the webhook endpoints that receive them (secrets sealed like OAuth grants), one
 * delivery per event and endpoint, and a log row per attempt. Also `records.origin`: "qbo" for records
 * a global sync brought in from QuickBooks (null: the app sent it).
 */
export const outboundEvents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("outbound_events")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("outbound_events_company")
      .on("outbound_events")
      .columns(["company_id", "id"])
      .execute();

    await db.schema
      .createTable("outbound_endpoints")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull())
      /** JSON list of event types; empty: all. */
      .addColumn("event_types", "text", (c) => c.notNull())
      .addColumn("enabled", "boolean", (c) => c.notNull())
      .addColumn("sealed_secret", "text", (c) => c.notNull())
      .addColumn("secret_hint", "text", (c) => c.notNull())
      /** After a rotation the old secret still signs (second signature) until this time. */
      .addColumn("previous_sealed_secret", "text")
      .addColumn("previous_secret_until", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("outbound_endpoints_company")
      .on("outbound_endpoints")
      .columns(["company_id"])
      .execute();

    await db.schema
      .createTable("outbound_deliveries")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("endpoint_id", "text", (c) => c.notNull())
      .addColumn("event_id", "text", (c) => c.notNull())
      .addColumn("event_type", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      /** "pending", "delivered", "failed" (gave up after the last retry; redeliver to try again). */
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("next_attempt_at", "text")
      .addColumn("last_status_code", "integer")
      .addColumn("last_error", "text")
      .addColumn("delivered_at", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("outbound_deliveries_due")
      .on("outbound_deliveries")
      .columns(["state", "next_attempt_at"])
      .execute();
    await db.schema
      .createIndex("outbound_deliveries_subject")
      .on("outbound_deliveries")
      .columns(["endpoint_id", "subject", "state", "event_id"])
      .execute();
    await db.schema
      .createIndex("outbound_deliveries_company")
      .on("outbound_deliveries")
      .columns(["company_id", "id"])
      .execute();

    await db.schema
      .createTable("outbound_attempts")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("delivery_id", "text", (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("duration_ms", "integer", (c) => c.notNull())
      .addColumn("status_code", "integer")
      .addColumn("ok", "boolean", (c) => c.notNull())
      .addColumn("error", "text")
      .addColumn("response_body", "text")
      .execute();
    await db.schema
      .createIndex("outbound_attempts_delivery")
      .on("outbound_attempts")
      .columns(["delivery_id", "attempt"])
      .execute();

    await db.schema.alterTable("records").addColumn("origin", "text").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("records").dropColumn("origin").execute();
    for (const t of ["outbound_attempts", "outbound_deliveries", "outbound_endpoints", "outbound_events"])
      await db.schema.dropTable(t).execute();
  },
};
