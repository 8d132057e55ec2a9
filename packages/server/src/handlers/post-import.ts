import type { Handler } from "hono";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { ApiError } from "../api-error.js";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";
import {
  CsvImportError,
  csvEncoding,
  importCsv,
  parseColumnMapping,
  type CsvImportOptions,
} from "../csv-import.js";
import { collections } from "../ingest-records.js";

/** Imports stream, so they may be far larger than a JSON request (20 MB). */
export const maxImportBytes = 100 * 2 ** 20;

/** What browsers, curl and spreadsheet tools send a .csv file as. */
const csvTypes = new Set([
  "text/csv",
  "text/plain",
  "application/csv",
  "application/vnd.ms-excel",
  "application/octet-stream",
]);
const delimiters: Record<string, string> = { ",": ",", ";": ";", "|": "|", tab: "\t", "\t": "\t" };
const queryParams = new Set(["field", "preview", "sample", "encoding", "delimiter"]);

const bad = (message: string, field: string) => new ApiError(400, "invalid_query", message, { field });

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  if (["", "true", "1", "yes"].includes(v)) return true;
  if (["false", "0", "no"].includes(v)) return false;
  throw bad(`${name} must be true or false, got "${value}"`, name);
}

/**
 * `POST /api/v1/companies/:companyId/imports/:collection` with a CSV file as the body (text/csv):
 * the same records as the bulk endpoint, from a spreadsheet. Query: `field=displayName=Company`
 * (repeatable, like the CLI's `--field`), `preview=true` (check and sample, store nothing),
 * `sample=N` (valid records echoed back, default 10), `encoding=windows-1252` (or `charset` in the
 * content type) for a file without a byte-order mark that is not UTF-8, `delimiter=;`.
 * Answers 200 with per-record results even when some rows were rejected; 400 when the mapping or the
 * file as a whole is wrong (nothing stored), 413 above 100 MB, 415 for a body that is not CSV.
 */
export const postImport =
  (deps: AppDeps, limits: { maxBytes?: number } = {}): Handler =>
  async (c) => {
    const maxBytes = limits.maxBytes ?? maxImportBytes;
    const companyId = await companyParam(c, deps);
    const collection = c.req.param("collection") ?? "";
    const kind = collections[collection];
    if (kind === undefined)
      throw new ApiError(
        404,
        "unknown_collection",
        `No record collection "${collection}"; use ${Object.keys(collections).join(", ")}`,
      );

    const [mime = "", ...params] = (c.req.header("content-type") ?? "").split(";");
    if (!csvTypes.has(mime.trim().toLowerCase()))
      throw new ApiError(
        415,
        "unsupported_media_type",
        `Send the CSV file itself as the body with content-type text/csv, e.g. curl --data-binary @file.csv ` +
          `-H 'content-type: text/csv' (got "${mime.trim() || "no content type"}")`,
      );
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > maxBytes)
      throw new ApiError(413, "payload_too_large", `CSV imports are limited to ${maxBytes / 2 ** 20} MB`, {
        limit: maxBytes,
      });

    const query = new URL(c.req.url).searchParams;
    for (const name of query.keys())
      if (!queryParams.has(name))
        throw bad(
          `unknown query parameter "${name}"; use ${[...queryParams].join(", ")} (e.g. field=displayName=Company)`,
          name,
        );
    const options: CsvImportOptions = { now: () => deps.clock.now(), maxBytes };
    try {
      options.mapping = parseColumnMapping(query.getAll("field"));
      options.preview = flag(query.get("preview") ?? undefined, "preview");
      const charset = params.map((p) => /^\s*charset\s*=\s*"?([^";]+)"?\s*$/i.exec(p)?.[1]).find(Boolean);
      const encoding = query.get("encoding") ?? charset;
      if (encoding !== undefined) options.encoding = csvEncoding(encoding);
    } catch (err) {
      if (err instanceof CsvImportError) throw new ApiError(400, err.code, err.message, err.details);
      throw err;
    }
    const sample = query.get("sample");
    if (sample !== null) {
      const n = Number(sample);
      if (!Number.isInteger(n) || n < 0 || n > 1000)
        throw bad(`sample must be a whole number from 0 to 1000, got "${sample}"`, "sample");
      options.sampleSize = n;
    }
    const delimiter = query.get("delimiter");
    if (delimiter !== null) {
      const d = delimiters[delimiter.toLowerCase()];
      if (d === undefined) throw bad(`delimiter must be one of , ; | tab, got "${delimiter}"`, "delimiter");
      options.delimiter = d;
    }

    const body = c.req.raw.body;
    if (body === null)
      throw new ApiError(400, "empty_file", "The request has no body: send the CSV file as the body");
    const input = Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
    try {
      const result = await importCsv(deps.store.company(companyId), kind, input, options);
      return c.json({ collection, ...result });
    } catch (err) {
      if (err instanceof CsvImportError && err.code === "too_large")
        throw new ApiError(413, "payload_too_large", `CSV imports are limited to ${maxBytes / 2 ** 20} MB`, {
          limit: maxBytes,
        });
      if (err instanceof CsvImportError) throw new ApiError(400, err.code, err.message, err.details);
      throw err;
    } finally {
      input.destroy();
    }
  };
