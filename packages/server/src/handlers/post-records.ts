import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";
import { collections, ingestRecords, maxIngestBatch } from "../ingest-records.js";

function collectionParam(name: string | undefined) {
  const kind = name === undefined ? undefined : collections[name];
  if (kind === undefined) {
    throw new ApiError(
      404,
      "unknown_collection",
      `No record collection "${name}"; use ${Object.keys(collections).join(", ")}`,
    );
  }
  return kind;
}

async function jsonList(req: { json(): Promise<unknown> }, key: string): Promise<unknown[]> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON");
  }
  const rows = Array.isArray(body) ? body : (body as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(rows)) {
    throw new ApiError(400, "invalid_body", `Send an array, or { "${key}": [...] }`, { field: key });
  }
  if (rows.length > maxIngestBatch) {
    throw new ApiError(
      413,
      "batch_too_large",
      `At most ${maxIngestBatch} records per request; got ${rows.length}`,
      {
        field: key,
      },
    );
  }
  return rows;
}

/**
 * `POST /api/v1/companies/:companyId/:collection` (customers, items, invoices, credit-memos, payments):
 * bulk, idempotent upsert by the app's id. Answers 200 with per-record results even when some were
 * rejected (they are listed with record and field; the rest are stored).
 */
export const postRecords =
  (deps: AppDeps): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const collection = c.req.param("collection");
    const kind = collectionParam(collection);
    const rows = await jsonList(c.req, collection!);
    const result = await ingestRecords(
      deps.store.company(companyId),
      kind,
      rows,
      deps.clock.now().toISOString(),
    );
    return c.json(result);
  };

/** `POST /api/v1/companies/:companyId/:collection/delete` with `{ "ids": [...] }`: the app deleted these. */
export const postRecordsDelete =
  (deps: AppDeps): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const kind = collectionParam(c.req.param("collection"));
    const ids = await jsonList(c.req, "ids");
    const bad = ids.findIndex((id) => typeof id !== "string" || id.trim() === "");
    if (bad >= 0)
      throw new ApiError(400, "invalid_id", `ids[${bad}] must be a non-empty string`, {
        field: `ids[${bad}]`,
      });
    const results = await deps.store
      .company(companyId)
      .deleteRecords(kind, ids as string[], deps.clock.now().toISOString());
    return c.json({ results });
  };
