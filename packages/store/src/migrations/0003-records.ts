import { sql, type Kysely, type Migration } from "kysely";

/**
 * One table for every kind of record the app sends (customer, item, invoice, creditMemo, payment), so
 * library, HTTP and CSV share one upsert path. `parent_id` is a customer's parent or a document's
 * customer; `name` is what people search by (display name, item name, document number).
 */
export const records: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("records")
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("parent_id", "text")
      .addColumn("name", "text")
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("active", "boolean", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("deleted_at", "text")
      .addPrimaryKeyConstraint("records_pk", ["company_id", "kind", "id"])
      .execute();
    await db.schema
      .createIndex("records_name")
      .on("records")
      .columns(["company_id", "kind", "name"])
      .execute();
    await db.schema
      .createIndex("records_parent")
      .on("records")
      .columns(["company_id", "kind", "parent_id"])
      .execute();
    await sql`insert into records (company_id, kind, id, parent_id, name, data, active, updated_at, deleted_at)
      select company_id, 'customer', id, parent_id, display_name, data, active, updated_at, null from customers`.execute(
      db,
    );
    await db.schema.dropTable("customers").execute();
  },
  async down(db: Kysely<unknown>) {
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
    await sql`insert into customers select company_id, id, parent_id, name, data, active, updated_at from records where kind = 'customer'`.execute(
      db,
    );
    await db.schema.dropTable("records").execute();
  },
};
