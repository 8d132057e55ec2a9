import { sql, type Kysely, type Migration } from "kysely";
import { searchDialectOf, searchExpressions } from "../search-expressions.js";

/**
 * SQLite only: a trigram index of the names smart search looks inside (records, and the QBO mirror's
 * DisplayName / Name / DocNumber), so "names containing the text" no longer scans every name of the
 * company (100,000 records and 40,000 QBO customers: 10–30 ms, and every other request waits behind it
 * in the one Node process). Search reads it only to narrow the rows it then checks with the same LIKE
 * as before, so the answers do not change (see search-store.ts).
 *
 * Contentless (`content=''`, nothing stored twice) and `detail=none` (no positions: a row holding every
 * trigram of the text is a candidate, which the LIKE then confirms), keyed by the table's rowid, which
 * SQLite keeps across VACUUM for tables with indexes (tested). Triggers keep it: a few µs on each
 * insert and on each change of a name, nothing on other updates. A stale entry (a rowid the index
 * still lists for an old name) only adds a candidate the LIKE rejects; a row is never missing.
 *
 * PostgreSQL keeps its scan (pg_trgm would be its equivalent; it is an extension not every server has).
 */
interface TrigramIndex {
  index: string;
  table: string;
  /** The column the triggers watch. */
  column: string;
  /** The name, an expression over that column (search-expressions.ts, as the LIKE checks it). */
  name: string;
}

const trigramIndexes = (db: Kysely<unknown>): TrigramIndex[] => {
  if (searchDialectOf(db) !== "sqlite") return [];
  const e = searchExpressions("sqlite");
  return [
    { index: "records_name_trigrams", table: "records", column: "name", name: e.recordName },
    { index: "qbo_objects_name_trigrams", table: "qbo_objects", column: "data", name: e.qboName },
  ];
};

/** The name of the row `row` (`new` or `old`) in a trigger: the expression over that row's column. */
const nameOf = (expr: string, column: string, row: "new" | "old") =>
  `(select ${expr} from (select ${row}.${column} as ${column}))`;

export const searchNameTrigrams: Migration = {
  async up(db: Kysely<unknown>) {
    for (const { index, table, column, name } of trigramIndexes(db)) {
      const t = sql.raw(index);
      const source = sql.raw(table);
      await sql`create virtual table ${t} using fts5(name, tokenize = 'trigram case_sensitive 0',
        detail = none, content = '', contentless_delete = 1)`.execute(db);
      await sql`insert into ${t} (rowid, name)
        select rowid, ${sql.raw(name)} from ${source} where ${sql.raw(name)} is not null`.execute(db);
      const newName = sql.raw(nameOf(name, column, "new"));
      const oldName = sql.raw(nameOf(name, column, "old"));
      await sql`create trigger ${sql.raw(`${index}_insert`)} after insert on ${source}
        when ${newName} is not null begin
          insert into ${t} (rowid, name) values (new.rowid, ${newName});
        end`.execute(db);
      await sql`create trigger ${sql.raw(`${index}_update`)} after update of ${sql.raw(column)} on ${source}
        when ${oldName} is not ${newName} begin
          delete from ${t} where rowid = old.rowid;
          insert into ${t} (rowid, name) select new.rowid, ${newName} where ${newName} is not null;
        end`.execute(db);
      await sql`create trigger ${sql.raw(`${index}_delete`)} after delete on ${source} begin
          delete from ${t} where rowid = old.rowid;
        end`.execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    for (const { index } of trigramIndexes(db)) {
      for (const suffix of ["insert", "update", "delete"])
        await sql`drop trigger if exists ${sql.raw(`${index}_${suffix}`)}`.execute(db);
      await sql`drop table if exists ${sql.raw(index)}`.execute(db);
    }
  },
};
