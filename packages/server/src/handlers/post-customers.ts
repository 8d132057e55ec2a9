import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";
import { ingestCustomers, maxIngestBatch } from "../ingest-customers.js";

/**
 * `POST /api/v1/companies/:companyId/customers`: bulk, idempotent upsert by the app's id. Answers 200
 * with per-record results even when some records were rejected (they are listed, the rest stored).
 */
export const postCustomers =
  (deps: AppDeps): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ApiError(400, "invalid_json", "The request body is not valid JSON");
    }
    const rows = Array.isArray(body) ? body : (body as { customers?: unknown } | null)?.customers;
    if (!Array.isArray(rows)) {
      throw new ApiError(400, "invalid_body", 'Send an array of customers, or { "customers": [...] }', {
        field: "customers",
      });
    }
    if (rows.length > maxIngestBatch) {
      throw new ApiError(
        413,
        "batch_too_large",
        `At most ${maxIngestBatch} records per request; got ${rows.length}`,
        {
          field: "customers",
        },
      );
    }
    const result = await ingestCustomers(deps.store.company(companyId), rows, new Date().toISOString());
    return c.json(result);
  };
