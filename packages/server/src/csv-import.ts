import { parseRecords, type RejectedRecord } from "@ledgerlink/core";
import type { CompanyStore } from "@ledgerlink/store";
import { parse } from "csv-parse";
import { Transform, type Readable } from "node:stream";
import { ingestCustomers } from "./ingest-records.js";

/** Which CSV column feeds which field: `{ displayName: "Name", "billingAddress.city": "City" }`. */
export type ColumnMapping = Record<string, string>;

export class CsvImportError extends Error {
  override readonly name = "CsvImportError";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface CsvImportResult {
  rows: number;
  accepted: number;
  /** `index` is the data row (0 = the first row under the header); `line` is the file's line number. */
  rejected: (RejectedRecord & { line: number })[];
  /** The first rows as they would be stored, for a preview before importing. */
  preview: Record<string, unknown>[];
  dryRun: boolean;
}

/** Rejects bytes that are not UTF-8 instead of letting them become U+FFFD in a customer's name. */
function utf8Guard(): Transform {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        return done(
          new CsvImportError(
            `the file is not UTF-8 text (bad bytes near byte ${offset}); save it as CSV UTF-8 and retry`,
          ),
        );
      }
      offset += chunk.length;
      done(null, chunk);
    },
  });
}

function setPath(target: Record<string, unknown>, path: string, value: string): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
}

/**
 * Imports customers from a CSV stream through the same path as the API (validation, idempotent upsert),
 * in batches so a 50 MB file never sits in memory. With `dryRun` nothing is stored: the result is the
 * preview and the rejections the real import would give.
 */
export async function importCustomersCsv(
  company: CompanyStore,
  input: Readable,
  mapping: ColumnMapping,
  options: { dryRun?: boolean; batchSize?: number; previewRows?: number; now?: () => Date } = {},
): Promise<CsvImportResult> {
  const batchSize = options.batchSize ?? 1000;
  const previewRows = options.previewRows ?? 10;
  const now = options.now ?? (() => new Date());
  if (Object.keys(mapping).length === 0)
    throw new CsvImportError("give a column mapping, e.g. displayName=Name", "mapping");
  const result: CsvImportResult = {
    rows: 0,
    accepted: 0,
    rejected: [],
    preview: [],
    dryRun: options.dryRun ?? false,
  };
  const seen = new Map<string, number>();
  let batch: { row: Record<string, unknown>; index: number; line: number }[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch.map((b) => b.row);
    const stored = options.dryRun
      ? ((p) => ({ accepted: p.ok, rejected: p.rejected }))(parseRecords("customer", rows))
      : await ingestCustomers(company, rows, now().toISOString());
    result.accepted += stored.accepted.length;
    for (const r of stored.rejected) {
      const at = batch[r.index]!;
      result.rejected.push({ ...r, index: at.index, line: at.line });
    }
    batch = [];
  };

  const guard = utf8Guard();
  const parser = input.pipe(guard).pipe(
    parse({
      bom: true,
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      trim: false,
    }),
  );
  // A stream error (bad encoding) must reach the caller as a rejection, not an unhandled event.
  const failed = new Promise<never>((_, reject) => {
    for (const stream of [input, guard, parser]) stream.once("error", reject);
  });
  let headerChecked = false;
  const iterate = async () => {
    for await (const rec of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      if (!headerChecked) {
        const missing = Object.entries(mapping)
          .filter(([, column]) => !(column in rec.record))
          .map(([field, column]) => `"${column}" (for ${field})`);
        if (missing.length > 0) {
          throw new CsvImportError(
            `the file has no column ${missing.join(", ")}; its columns are ${Object.keys(rec.record)
              .map((c) => `"${c}"`)
              .join(", ")}`,
            "mapping",
          );
        }
        headerChecked = true;
      }
      const row: Record<string, unknown> = {};
      for (const [field, column] of Object.entries(mapping)) {
        const value = rec.record[column];
        if (value !== undefined && value !== "") setPath(row, field, value);
      }
      const index = result.rows++;
      const id = typeof row["id"] === "string" ? row["id"] : undefined;
      if (id !== undefined && seen.has(id)) {
        result.rejected.push({
          index,
          line: rec.info.lines,
          id,
          field: "id",
          message: `C:${id}: id appears twice in this file (first on line ${seen.get(id)})`,
          issues: [{ field: "id", message: `appears twice in this file (first on line ${seen.get(id)})` }],
        });
        continue;
      }
      if (id !== undefined) seen.set(id, rec.info.lines);
      if (result.preview.length < previewRows) result.preview.push(row);
      batch.push({ row, index, line: rec.info.lines });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  };
  await Promise.race([iterate(), failed]);
  result.rejected.sort((a, b) => a.index - b.index);
  return result;
}
