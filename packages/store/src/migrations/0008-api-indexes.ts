import { sql, type Kysely, type Migration } from "kysely";
import { searchDialectOf, searchExpressions } from "../search-expressions.js";

const expressionIndexes = (db: Kysely<unknown>) => {
  const e = searchExpressions(searchDialectOf(db));
  return [
    // deleted_at and deleted ride along so a scan for names containing a word reads the index only (and
    // so does counting a company's live customers for the status page).
    ["records_search_name", "records", `company_id, kind, ${e.recordName}, deleted_at`],
    ["records_search_email", "records", `company_id, ${e.recordEmail}`],
    ["records_search_phone", "records", `company_id, ${e.recordPhone}`],
    ["qbo_objects_search_name", "qbo_objects", `company_id, ${e.qboName}, deleted`],
    ["qbo_objects_search_email", "qbo_objects", `company_id, ${e.qboEmail}`],
    ["qbo_objects_search_phone", "qbo_objects", `company_id, ${e.qboPhone}`],
  ] as const;
};

/**
 * Indexes the HTTP API's lists and smart search need: names, emails and phones of the app's records and
 * of the QBO mirror (expression indexes, so no writer changes: see search-expressions.ts), a QBO object
 * by bare Id, open problems a page at a time per category, and the audit log by record, actor and
 * action. Each index on `records` costs every upsert (these three: a customer upsert takes about a third
 * longer, measured on 60k customers), so a bare id is looked up through the primary key instead.
 */
export const apiIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [name, table, columns] of expressionIndexes(db))
      await sql`create index ${sql.id(name)} on ${sql.id(table)} (${sql.raw(columns)})`.execute(db);
    await db.schema
      .createIndex("qbo_objects_company_id")
      .on("qbo_objects")
      .columns(["company_id", "qbo_id"])
      .execute();
    // Open problems of a category, newest first: the Errors view's pages.
    await db.schema
      .createIndex("sync_errors_open_page")
      .on("sync_errors")
      .columns(["company_id", "resolved_at", "category", "created_at", "id"])
      .execute();
    await db.schema.createIndex("audit_events_id").on("audit_events").columns(["company_id", "id"]).execute();
    await db.schema
      .createIndex("audit_events_ref")
      .on("audit_events")
      .columns(["company_id", "ref", "id"])
      .execute();
    await db.schema
      .createIndex("audit_events_actor")
      .on("audit_events")
      .columns(["company_id", "actor", "id"])
      .execute();
    await db.schema
      .createIndex("audit_events_action")
      .on("audit_events")
      .columns(["company_id", "action", "id"])
      .execute();
    await db.schema
      .createIndex("customer_merges_page")
      .on("customer_merges")
      .columns(["company_id", "id"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const name of [
      "customer_merges_page",
      "audit_events_action",
      "audit_events_actor",
      "audit_events_ref",
      "audit_events_id",
      "sync_errors_open_page",
      "qbo_objects_company_id",
      ...expressionIndexes(db).map(([n]) => n),
    ])
      await db.schema.dropIndex(name).execute();
  },
};
