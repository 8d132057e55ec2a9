import { createReadStream, createWriteStream, statSync } from "node:fs";
import { finished } from "node:stream/promises";
import type { Command } from "commander";
import { parse } from "csv-parse";
import { stringify } from "csv-stringify";
import {
  DEFAULT_MATCH_POLICY,
  type MatchPolicy,
  type MatchRecord,
  checkMatchPolicy,
  matchCustomers,
} from "@ledgerlink/core";
import { exitCodes, UsageError } from "../exit-codes.js";
import { progressBar } from "../progress-bar.js";

/** The record fields a CSV column can be mapped to with `--field field=Column`. */
export const MATCH_CSV_FIELDS = [
  "id",
  "name",
  "company",
  "given_name",
  "family_name",
  "email",
  "phone",
  "address",
  "city",
  "region",
  "postcode",
] as const;
export type MatchCsvField = (typeof MATCH_CSV_FIELDS)[number];
export type FieldMapping = Partial<Record<MatchCsvField, string>>;

/** Parses repeated `--field field=Column` options, naming the bad one. */
export function parseFieldMapping(specs: readonly string[]): FieldMapping {
  const mapping: FieldMapping = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const field = spec.slice(0, eq).trim() as MatchCsvField;
    const column = spec.slice(eq + 1).trim();
    if (eq < 0 || column === "")
      throw new UsageError(`--field ${spec}: expected field=Column, e.g. --field name=Company`);
    if (!MATCH_CSV_FIELDS.includes(field))
      throw new UsageError(
        `--field ${spec}: unknown field "${field}" (fields: ${MATCH_CSV_FIELDS.join(", ")})`,
      );
    mapping[field] = column;
  }
  return mapping;
}

/**
 * Streams a CSV file into MatchRecords. A field without a `--field` mapping is read from the column of
 * the same name when there is one. Rows are numbered as in a spreadsheet (header = row 1) in errors.
 */
export async function readMatchRecords(
  path: string,
  mapping: FieldMapping,
  showProgress?: boolean,
): Promise<MatchRecord[]> {
  const size = statSync(path).size;
  const bar = progressBar(`reading ${path}`, showProgress);
  bar.start(size);
  const input = createReadStream(path);
  const parser = input.pipe(
    parse({ columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }),
  );
  const records: MatchRecord[] = [];
  let columnOf: Partial<Record<MatchCsvField, string>> | undefined;
  let row = 1;
  for await (const raw of parser as AsyncIterable<Record<string, string>>) {
    row++;
    if (columnOf === undefined) {
      const headers = Object.keys(raw);
      const lower = new Map(headers.map((h) => [h.toLowerCase(), h]));
      columnOf = {};
      for (const f of MATCH_CSV_FIELDS) {
        const wanted = mapping[f];
        if (wanted !== undefined && !headers.includes(wanted))
          throw new UsageError(
            `${path}: --field ${f}=${wanted} names no column (columns: ${headers.join(", ")})`,
          );
        const col = wanted ?? lower.get(f);
        if (col !== undefined) columnOf[f] = col;
      }
      if (columnOf.id === undefined)
        throw new UsageError(`${path}: no id column; map one with --field id=Column`);
      if (
        columnOf.name === undefined &&
        columnOf.company === undefined &&
        columnOf.family_name === undefined
      ) {
        throw new UsageError(
          `${path}: no name column; map one with --field name=Column (or company, given_name/family_name)`,
        );
      }
    }
    const get = (f: MatchCsvField): string | undefined => {
      const col = columnOf![f];
      const v = col === undefined ? undefined : raw[col];
      return v === undefined || v === "" ? undefined : v;
    };
    const id = get("id");
    if (id === undefined) throw new UsageError(`${path} row ${row}: empty id (column ${columnOf.id})`);
    const given = get("given_name");
    const family = get("family_name");
    const company = get("company");
    const name = get("name") ?? company ?? ([given, family].filter(Boolean).join(" ") || undefined);
    if (name === undefined)
      throw new UsageError(`${path} row ${row} (id ${id}): no name, company or given/family name`);
    const r: MatchRecord = { id, name };
    if (company !== undefined) r.companyName = company;
    if (given !== undefined) r.givenName = given;
    if (family !== undefined) r.familyName = family;
    const email = get("email");
    if (email !== undefined) r.email = email;
    const phone = get("phone");
    if (phone !== undefined) r.phone = phone;
    const line1 = get("address");
    const city = get("city");
    const region = get("region");
    const postalCode = get("postcode");
    if (line1 !== undefined || city !== undefined || region !== undefined || postalCode !== undefined) {
      r.address = { line1, city, region, postalCode };
    }
    records.push(r);
    if ((row & 1023) === 0) bar.update(input.bytesRead);
  }
  bar.update(size);
  bar.stop();
  return records;
}

/** Writes rows to a CSV file through csv-stringify, streaming. */
export async function writeCsv(path: string, columns: string[], rows: Iterable<unknown[]>): Promise<void> {
  const out = createWriteStream(path);
  const csv = stringify({ header: true, columns });
  csv.pipe(out);
  for (const row of rows) {
    if (!csv.write(row)) await new Promise<void>((resolve) => csv.once("drain", () => resolve()));
  }
  csv.end();
  await finished(out);
}

export interface RunMatchOptions {
  left: string;
  right: string;
  out: string;
  fields?: FieldMapping;
  policy?: MatchPolicy;
  progress?: boolean;
}

export interface RunMatchSummary {
  left: number;
  right: number;
  pairsCompared: number;
  link: number;
  review: number;
  unmatched: number;
}

/**
 * Matches two CSV files one-to-one and writes pairs.csv: id_left, id_right, score, band (link or
 * review), reasons — one row per proposed pair.
 */
export async function runMatch(options: RunMatchOptions): Promise<RunMatchSummary> {
  const fields = options.fields ?? {};
  const policy = checkMatchPolicy(options.policy ?? DEFAULT_MATCH_POLICY);
  const left = await readMatchRecords(options.left, fields, options.progress);
  const right = await readMatchRecords(options.right, fields, options.progress);
  if (options.progress ?? process.stderr.isTTY)
    process.stderr.write(`matching ${left.length} × ${right.length} records…\n`);
  const { decisions, stats } = matchCustomers(left, right, { policy });
  const pairs = decisions.filter((d) => d.band !== "new" && d.qboId !== undefined);
  await writeCsv(
    options.out,
    ["id_left", "id_right", "score", "band", "reasons"],
    pairs.map((d) => [d.localId, d.qboId, d.score.toFixed(4), d.band, d.reasons.join("; ")]),
  );
  return {
    left: left.length,
    right: right.length,
    pairsCompared: stats.pairsCompared,
    link: stats.link,
    review: stats.review,
    unmatched: stats.new,
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function threshold(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 1)
      throw new UsageError(`${name} must be a number within 0..1 (got "${v}")`);
    return n;
  };
}

interface MatchCliOptions {
  left: string;
  right: string;
  out: string;
  field: string[];
  linkAt: number;
  reviewAt: number;
  json?: boolean;
}

/** `ledgerlink match`: standalone one-to-one matching of two CSV files. */
export function registerMatch(program: Command): void {
  program
    .command("match")
    .description(
      "Match the records of two CSV files one-to-one and write the proposed pairs with scores and reasons",
    )
    .requiredOption("--left <file>", "the first CSV (e.g. the app's customers)")
    .requiredOption("--right <file>", "the second CSV (e.g. QBO's customers)")
    .requiredOption("--out <file>", "where to write pairs.csv (id_left, id_right, score, band, reasons)")
    .option(
      "--field <field=Column>",
      `map a field to a CSV column, repeatable; fields: ${MATCH_CSV_FIELDS.join(", ")}`,
      collect,
      [],
    )
    .option(
      "--link-at <score>",
      "link at or above this score",
      threshold("--link-at"),
      DEFAULT_MATCH_POLICY.linkAt,
    )
    .option(
      "--review-at <score>",
      "propose for review at or above this score",
      threshold("--review-at"),
      DEFAULT_MATCH_POLICY.reviewAt,
    )
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  $ ledgerlink match --left app.csv --right qbo.csv --field name=Company --field phone=Phone --out pairs.csv",
    )
    .action(async (opts: MatchCliOptions) => {
      const summary = await runMatch({
        left: opts.left,
        right: opts.right,
        out: opts.out,
        fields: parseFieldMapping(opts.field),
        policy: { linkAt: opts.linkAt, reviewAt: opts.reviewAt },
      });
      if (opts.json) console.log(JSON.stringify(summary, null, 2));
      else {
        console.log(
          `${summary.left} × ${summary.right} records, ${summary.pairsCompared} pairs compared: ${summary.link} to link, ${summary.review} to review, ${summary.unmatched} unmatched → ${opts.out}`,
        );
      }
      process.exitCode = exitCodes.ok;
    });
}
