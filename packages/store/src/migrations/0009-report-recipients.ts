import type { Kysely, Migration } from "kysely";

/**
 * Who gets a company's post-sync report by email. A table rather than a key in the connection settings:
 * Submit replaces the settings whole, and a list people edit on its own would be lost to the next Submit.
 */
export const reportRecipients: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("report_recipients")
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("email", "text", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("added_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("report_recipients_pk", ["company_id", "email"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("report_recipients").execute();
  },
};
