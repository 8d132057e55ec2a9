import {
  parseRecords,
  recordRef,
  type IncomingKind,
  type IncomingRecordOf,
  type RecordRef,
} from "@ledgerlink/core";
import type { CompanyStore, UpsertResult } from "@ledgerlink/store";
import { CsvError, parse } from "csv-parse";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pipeline } from "node:stream/promises";
import { CsvImportError, decodeCsvBytes, type CsvEncoding } from "./csv-import-decode.js";
import { csvLayouts, resolveColumns, type ColumnMapping, type ResolvedColumns } from "./csv-import-fields.js";

export * from "./csv-import-decode.js";
export * from "./csv-import-fields.js";

export interface CsvImportOptions {
  /** `field → column`; fields without one read the column named like them. */
  mapping?: ColumnMapping;
  /** Read and check the whole file, report what an import would do, store nothing. */
  preview?: boolean;
  /** How many valid records to send back as they would be stored (default 10). */
  sampleSize?: number;
  /** The encoding of a file without a byte-order mark (default UTF-8). */
  encoding?: CsvEncoding;
  /** The cell separator (default ","; Excel in many European locales writes ";"). */
  delimiter?: string;
  /** Refuse files larger than this many bytes. */
  maxBytes?: number;
  /** Records per upsert transaction (default 1,000). */
  batchSize?: number;
  now?: () => Date;
  /** Where the checked records wait between reading and storing (default: the OS temp directory). */
  tmpDir?: string;
}

/** A stored record: `row` is the file line its (first) row starts on; the header is line 1. */
export interface CsvAcceptedRecord {
  row: number;
  id: string;
  status: UpsertResult["status"];
}

export interface CsvFieldIssue {
  field: string;
  message: string;
  /** The row the value is on (for a document, the row of that line). */
  row: number;
  /** The CSV column the field was read from, when it has one. */
  column?: string;
}

/** A record that was not stored, with every problem found in it. */
export interface CsvRejectedRecord {
  /** The row of the first problem. */
  row: number;
  /** Every row of a document or payment that spans several. */
  rows?: number[];
  id?: string;
  ref?: RecordRef;
  field: string;
  column?: string;
  /** "row 7, INV:77: lines[1].qty (column "Qty") must be …": the row, the record and the field. */
  message: string;
  issues: CsvFieldIssue[];
}

export interface CsvImportResult<K extends IncomingKind = IncomingKind> {
  kind: K;
  /** False for a preview: nothing was written. */
  stored: boolean;
  encoding: CsvEncoding;
  /** The effective mapping: field → the column it was read from. */
  columns: Record<string, string>;
  /** Header columns no field reads. */
  ignoredColumns: string[];
  /** Data rows read (blank rows are skipped and not counted). */
  rows: number;
  /** Records those rows make (a document or payment groups its rows). */
  records: number;
  /** Records that passed every check (stored, unless this is a preview). */
  valid: number;
  created: number;
  updated: number;
  unchanged: number;
  /** One per stored record (empty for a preview), in file order. */
  accepted: CsvAcceptedRecord[];
  /** One per record not stored, in file order. */
  rejected: CsvRejectedRecord[];
  /** The first valid records as they would be stored. */
  sample: { row: number; record: IncomingRecordOf[K] }[];
}

/** One record put together from its row (or rows), before the schema has seen it. */
interface Assembled {
  rows: number[];
  /** childRows[i] is the row of lines[i] / appliedTo[i]. */
  childRows: number[];
  raw: Record<string, unknown>;
  id: string | undefined;
  /** Problems of the CSV itself (a row with too many cells, a header field that changes in a group). */
  issues: CsvFieldIssue[];
  /** First values of the header fields, to check the group's later rows against. */
  first: Map<string, string>;
}

function setPath(target: Record<string, unknown>, path: string, value: string): void {
  const dot = path.indexOf(".");
  if (dot === -1) {
    target[path] = value;
    return;
  }
  const key = path.slice(0, dot);
  const node = (target[key] ??= {}) as Record<string, unknown>;
  node[path.slice(dot + 1)] = value;
}

function newlinesIn(cells: readonly string[]): number {
  let n = 0;
  for (const cell of cells) for (let i = cell.indexOf("\n"); i !== -1; i = cell.indexOf("\n", i + 1)) n++;
  return n;
}

function rowList(rows: readonly number[]): string {
  const shown = rows.slice(0, 3);
  const more = rows.length - shown.length;
  return more > 0
    ? `rows ${shown.join(", ")} and ${more} more`
    : `rows ${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]!}`;
}

const csvProblem = (err: CsvError): CsvImportError => {
  const line = (err as CsvError & { lines?: number }).lines;
  const details = line === undefined ? {} : { line };
  if (err.code === "CSV_MAX_RECORD_SIZE")
    return new CsvImportError(
      "invalid_csv",
      `a row starting before line ${line ?? "?"} runs on for more than 1 MB (a quote that is never closed?)`,
      details,
    );
  return new CsvImportError("invalid_csv", `the file is not valid CSV: ${err.message}`, details);
};

/**
 * Imports a CSV file of one record kind through the same path as the HTTP bulk upsert: the rows become
 * the API's JSON records (by the column mapping), `parseRecords` checks them, the store upserts them.
 *
 * Invoices and credit memos take one row per line, payments one row per applied invoice (or one row
 * with the applied columns blank); consecutive rows with the same id are one record, whose header
 * fields come from its first row (later rows may repeat them or leave them blank, not change them).
 *
 * Two passes, so a problem with the file as a whole never leaves half an import behind: the file is
 * streamed once, checking every record and writing the good ones to a temporary file; only when the
 * end was reached without a file-level error (mapping, encoding, CSV syntax, size) are they stored,
 * 1,000 to a transaction. Memory holds one batch, the ids seen (for duplicates) and the results.
 * An id used by two records of the file rejects both: the file says two things about one record.
 */
export async function importCsv<K extends IncomingKind>(
  company: CompanyStore,
  kind: K,
  input: AsyncIterable<Uint8Array>,
  options: CsvImportOptions = {},
): Promise<CsvImportResult<K>> {
  const layout = csvLayouts[kind];
  const mapping = options.mapping ?? {};
  const batchSize = options.batchSize ?? 1000;
  const sampleSize = options.sampleSize ?? 10;
  const result: CsvImportResult<K> = {
    kind,
    stored: false,
    encoding: options.encoding ?? "utf-8",
    columns: {},
    ignoredColumns: [],
    rows: 0,
    records: 0,
    valid: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    accepted: [],
    rejected: [],
    sample: [],
  };

  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), "ledgerlink-import-"));
  try {
    const checkedFile = join(dir, "checked.jsonl");
    const checked = createWriteStream(checkedFile);
    const checkedClosed = once(checked, "close");
    /** Row of the first record with each id; rows of every record of an id used more than once. */
    const firstRowById = new Map<string, number>();
    const duplicateRows = new Map<string, number[]>();
    /** The rejection of the first record of an id, if it had problems of its own. */
    const firstRejected = new Map<string, CsvRejectedRecord>();

    const reject = (a: Assembled, issues: CsvFieldIssue[]): CsvRejectedRecord => {
      const first = issues[0]!;
      const r: CsvRejectedRecord = { row: first.row, field: first.field, message: "", issues };
      if (a.rows.length > 1) r.rows = a.rows;
      if (a.id !== undefined) {
        r.id = a.id;
        r.ref = recordRef(kind, a.id);
        if (firstRowById.get(a.id) === a.rows[0]) firstRejected.set(a.id, r);
      }
      if (first.column !== undefined) r.column = first.column;
      result.rejected.push(r);
      return r;
    };
    /** The rejections of later records of an id already used, whose message needs every occurrence. */
    const laterRejected = new Map<string, CsvRejectedRecord[]>();

    let columns: ResolvedColumns | undefined;
    const issueAt = (a: Assembled, field: string, message: string): CsvFieldIssue => {
      // "lines[2].qty" is on the row of the third line, and read from the column of "lines.qty".
      const m = /^(lines|appliedTo)\[(\d+)\](?:\.(.+))?$/.exec(field);
      const row = m ? (a.childRows[Number(m[2])] ?? a.rows[0]!) : a.rows[0]!;
      const column = columns!.columns[m ? `${m[1]}.${m[3] ?? ""}` : field];
      const issue: CsvFieldIssue = { field, message, row };
      if (column !== undefined) issue.column = column;
      return issue;
    };

    let batch: Assembled[] = [];
    const flushBatch = async () => {
      if (batch.length === 0) return;
      const parsed = parseRecords(
        kind,
        batch.map((a) => a.raw),
      );
      const schemaIssues = new Map<number, CsvFieldIssue[]>();
      for (const r of parsed.rejected)
        schemaIssues.set(
          r.index,
          r.issues.map((i) => issueAt(batch[r.index]!, i.field, i.message)),
        );
      let out = "";
      let next = 0;
      batch.forEach((a, index) => {
        const issues = [...a.issues, ...(schemaIssues.get(index) ?? [])];
        if (issues.length > 0) return reject(a, issues);
        while (parsed.okIndexes[next] !== index) next++;
        const record = parsed.ok[next]!;
        out += JSON.stringify([a.rows[0], record]) + "\n";
        result.valid++;
        if (result.sample.length < sampleSize) result.sample.push({ row: a.rows[0]!, record });
      });
      batch = [];
      if (out !== "" && !checked.write(out)) await once(checked, "drain");
    };

    /** A later record with an id already used: rejected whatever else is wrong with it. */
    const duplicate = (a: Assembled) => {
      const id = a.id!;
      const rows = duplicateRows.get(id) ?? [firstRowById.get(id)!];
      rows.push(a.rows[0]!);
      duplicateRows.set(id, rows);
      const parsed = parseRecords(kind, [a.raw]);
      const schema = parsed.rejected[0]?.issues.map((i) => issueAt(a, i.field, i.message)) ?? [];
      // The message is written once every occurrence is known (see below).
      const r = reject(a, [issueAt(a, "id", ""), ...a.issues, ...schema]);
      laterRejected.set(id, [...(laterRejected.get(id) ?? []), r]);
    };

    const close = async (a: Assembled) => {
      result.records++;
      if (a.id !== undefined) {
        if (firstRowById.has(a.id)) return duplicate(a);
        firstRowById.set(a.id, a.rows[0]!);
      }
      batch.push(a);
      if (batch.length >= batchSize) await flushBatch();
    };

    let header: string[] | undefined;
    let line = 1;
    let open: Assembled | undefined;
    const child = layout.child;
    const idIndex = () => columns!.index.get("id")!;

    const startRecord = (cells: readonly string[], row: number): Assembled => {
      const a: Assembled = {
        rows: [row],
        childRows: [],
        raw: {},
        id: undefined,
        issues: [],
        first: new Map(),
      };
      for (const field of layout.fields) {
        const at = columns!.index.get(field);
        const value = at === undefined ? undefined : cells[at];
        if (value === undefined || value === "") continue;
        setPath(a.raw, field, value);
        a.first.set(field, value);
      }
      const id = (cells[idIndex()] ?? "").trim();
      if (id !== "") a.id = id;
      if (child !== undefined) a.raw[child.key] = [];
      return a;
    };
    const addChild = (a: Assembled, cells: readonly string[], row: number) => {
      const list = a.raw[child!.key] as Record<string, unknown>[];
      const item: Record<string, unknown> = {};
      let any = false;
      for (const field of child!.fields) {
        const at = columns!.index.get(field);
        const value = at === undefined ? undefined : cells[at];
        if (value === undefined || value === "") continue;
        item[field.slice(child!.key.length + 1)] = value;
        any = true;
      }
      // Past 1,000 the schema rejects the record; a mis-grouped file must not grow one without end.
      if (any && list.length <= 1000) {
        list.push(item);
        a.childRows.push(row);
      }
    };
    const continueRecord = (a: Assembled, cells: readonly string[], row: number) => {
      a.rows.push(row);
      for (const field of layout.fields) {
        const at = columns!.index.get(field);
        const value = at === undefined ? "" : (cells[at] ?? "");
        const first = a.first.get(field);
        if (field === "id" || value === "" || value === first) continue;
        a.issues.push({
          ...issueAt(
            a,
            field,
            `is "${value}" here but ${first === undefined ? "blank" : `"${first}"`} on row ${a.rows[0]} of the same ${layout.noun}: the rows of one ${layout.noun} must agree`,
          ),
          row,
        });
      }
    };

    await pipeline(
      decodeCsvBytes(input, {
        ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
        ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
        onEncoding: (e) => (result.encoding = e),
      }),
      parse({
        delimiter: options.delimiter ?? ",",
        relax_column_count: true,
        // `12" pipe` in a cell that is not quoted is kept as written, as spreadsheets read it.
        relax_quotes: true,
        max_record_size: 2 ** 20,
      }),
      async (source: AsyncIterable<string[]>) => {
        for await (const cells of source) {
          const row = line;
          line += 1 + newlinesIn(cells);
          const blank = cells.every((c) => c.trim() === "");
          if (header === undefined) {
            if (blank) continue;
            header = cells;
            columns = resolveColumns(kind, header, mapping);
            result.columns = columns.columns;
            result.ignoredColumns = columns.ignored;
            continue;
          }
          // Excel leaves rows of bare commas at the end of an export.
          if (blank) continue;
          result.rows++;
          // More cells than columns shifts values into the wrong fields, even when the extra cells are blank.
          const extra = cells.length > header.length;
          const id = (cells[idIndex()] ?? "").trim();
          if (child !== undefined && open !== undefined && id !== "" && id === open.id) {
            continueRecord(open, cells, row);
          } else {
            if (open !== undefined) await close(open);
            open = startRecord(cells, row);
          }
          if (extra)
            open.issues.push({
              field: "(row)",
              message: `has ${cells.length} cells but the header has ${header.length} (a comma in a value that is not in quotes?)`,
              row,
            });
          if (child !== undefined) addChild(open, cells, row);
          else {
            await close(open);
            open = undefined;
          }
        }
        if (header === undefined)
          throw new CsvImportError(
            "empty_file",
            "the file has no header row: expected column names, then rows",
          );
        if (open !== undefined) await close(open);
        await flushBatch();
      },
    ).catch((err: unknown) => {
      checked.destroy();
      throw err instanceof CsvError ? csvProblem(err) : err;
    });
    checked.end();
    await checkedClosed;

    const idIssue = (row: number, message: string): CsvFieldIssue => {
      const issue: CsvFieldIssue = { field: "id", message, row };
      const column = columns?.columns["id"];
      if (column !== undefined) issue.column = column;
      return issue;
    };
    // Every record of an id used more than once is rejected, the first one too.
    const how =
      child === undefined ? `one row per ${layout.noun}` : `one group of consecutive rows per ${layout.noun}`;
    for (const [id, rows] of duplicateRows) {
      const message = `appears ${rows.length} times in this file (${rowList(rows)}); none of them is stored: ${how}`;
      for (const r of laterRejected.get(id) ?? []) r.issues[0]!.message = message;
      const first = firstRejected.get(id);
      if (first !== undefined) {
        const issue = idIssue(rows[0]!, message);
        first.issues.unshift(issue);
        first.row = issue.row;
        first.field = issue.field;
        if (issue.column === undefined) delete first.column;
        else first.column = issue.column;
      } else {
        // The first record passed its checks and waits in the checked file; the second pass skips it.
        result.valid--;
        const issue = idIssue(rows[0]!, message);
        const r: CsvRejectedRecord = {
          row: issue.row,
          id,
          ref: recordRef(kind, id),
          field: "id",
          message,
          issues: [issue],
        };
        if (issue.column !== undefined) r.column = issue.column;
        result.rejected.push(r);
      }
    }
    for (const r of result.rejected) {
      const first = r.issues[0]!;
      const column = first.column === undefined ? "" : ` (column "${first.column}")`;
      r.message = `row ${r.row}, ${r.ref ?? "no id"}: ${first.field}${column} ${first.message}`;
    }
    result.rejected.sort((a, b) => a.row - b.row);
    result.sample = result.sample.filter((s) => !duplicateRows.has(s.record.id));
    if (options.preview) return result;

    // Second pass: store what was checked.
    const at = (options.now ?? (() => new Date()))().toISOString();
    let pending: { row: number; record: IncomingRecordOf[K] }[] = [];
    const store = async () => {
      if (pending.length === 0) return;
      const results = await company.upsertRecords(
        kind,
        pending.map((p) => p.record),
        at,
      );
      results.forEach((r, i) => {
        result.accepted.push({ row: pending[i]!.row, id: r.id, status: r.status });
        result[r.status]++;
      });
      pending = [];
    };
    const lines = createInterface({ input: createReadStream(checkedFile), crlfDelay: Infinity });
    for await (const text of lines) {
      const [row, record] = JSON.parse(text) as [number, IncomingRecordOf[K]];
      if (duplicateRows.has(record.id)) continue;
      pending.push({ row, record });
      if (pending.length >= batchSize) await store();
    }
    await store();
    result.stored = true;
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
