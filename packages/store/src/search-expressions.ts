import { PostgresAdapter, sql, type Kysely, type RawBuilder } from "kysely";

/**
 * The SQL expressions smart search looks records and QBO objects up by. The migration that indexes them
 * (0008-api-indexes) and the queries that use them share these strings: an expression index is used only
 * when the query repeats its expression exactly. Text compares byte-wise (PostgreSQL `COLLATE "C"`, SQLite's
 * BINARY), so a prefix is the range [p, p || U+10FFFF).
 */
export type SearchDialect = "sqlite" | "postgres";

export function searchDialectOf(db: Kysely<unknown>): SearchDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

const json = (d: SearchDialect, path: string[]): string =>
  d === "postgres" ? `(data::jsonb #>> '{${path.join(",")}}')` : `json_extract(data, '$.${path.join(".")}')`;

const lowerText = (d: SearchDialect, e: string): string =>
  d === "postgres" ? `(lower(${e}) collate "C")` : `lower(${e})`;

/** Digits only: what phone numbers are compared by. */
const digits = (d: SearchDialect, e: string): string =>
  d === "postgres"
    ? `regexp_replace(${e}, '[^0-9]', '', 'g')`
    : ["' '", "'-'", "'('", "')'", "'.'", "'+'", "'/'"].reduce((acc, ch) => `replace(${acc}, ${ch}, '')`, e);

/** The expressions, by table and field, as SQL text for one dialect. */
export function searchExpressions(d: SearchDialect) {
  return {
    recordName: lowerText(d, "name"),
    recordEmail: lowerText(d, json(d, ["email"])),
    recordPhone: digits(d, json(d, ["phone"])),
    qboName: lowerText(
      d,
      `coalesce(${json(d, ["DisplayName"])}, ${json(d, ["Name"])}, ${json(d, ["DocNumber"])})`,
    ),
    qboEmail: lowerText(d, json(d, ["PrimaryEmailAddr", "Address"])),
    qboPhone: digits(d, json(d, ["PrimaryPhone", "FreeFormNumber"])),
  };
}
export type SearchExpressionName = keyof ReturnType<typeof searchExpressions>;

/** An expression as a Kysely raw fragment (trusted text from above, never user input). */
export const searchExpr = (d: SearchDialect, name: SearchExpressionName): RawBuilder<string | null> =>
  sql<string | null>`${sql.raw(searchExpressions(d)[name])}`;

/** The largest code point: `x >= p and x < p || maxChar` is "x starts with p" byte-wise. */
export const maxChar = "\u{10FFFF}";
