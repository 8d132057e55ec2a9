import { sql, type Kysely, type Migration } from "kysely";

/**
 * Match decisions (append-only history: who decided what about which pair, latest wins), the review
 * items a sync run opens for pairs in the review band, and the journals of customer merges (so a merge
 * can be undone exactly).
 */
export const matchReview: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("match_decisions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      // "" for a QBO-only decision (qbo-inactivate); qbo_id "" for a local-only one (new).
      .addColumn("local_id", "text", (c) => c.notNull())
      .addColumn("qbo_id", "text", (c) => c.notNull())
      .addColumn("decision", "text", (c) => c.notNull())
      .addColumn("score", "double precision")
      .addColumn("reasons", "text")
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("review_item_id", "text")
      .execute();
    await db.schema
      .createIndex("match_decisions_pair")
      .on("match_decisions")
      .columns(["company_id", "local_id", "qbo_id"])
      .execute();

    await db.schema
      .createTable("match_review_items")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("local_id", "text", (c) => c.notNull())
      .addColumn("qbo_id", "text", (c) => c.notNull())
      .addColumn("score", "double precision", (c) => c.notNull())
      .addColumn("reasons", "text", (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("opened_at", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("resolved_at", "text")
      .addColumn("resolved_by", "text")
      .execute();
    // One open item per pair, even when two runs suggest it at once.
    await db.schema
      .createIndex("match_review_items_open_pair")
      .on("match_review_items")
      .columns(["company_id", "local_id", "qbo_id"])
      .unique()
      .where(sql.ref("status"), "=", "open")
      .execute();
    await db.schema
      .createIndex("match_review_items_status")
      .on("match_review_items")
      .columns(["company_id", "status", "id"])
      .execute();

    await db.schema
      .createTable("customer_merges")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
      .addColumn("survivor_id", "text", (c) => c.notNull())
      .addColumn("merged_id", "text", (c) => c.notNull())
      // The rows as they were and as the merge left them (JSON): undo puts back `before` exactly.
      .addColumn("journal", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("merged_at", "text", (c) => c.notNull())
      .addColumn("undone_at", "text")
      .addColumn("undone_by", "text")
      .execute();
    await db.schema
      .createIndex("customer_merges_company")
      .on("customer_merges")
      .columns(["company_id", "merged_at"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ["customer_merges", "match_review_items", "match_decisions"]) {
      await db.schema.dropTable(t).execute();
    }
  },
};
