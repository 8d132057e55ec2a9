import { companyRefParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET /api/v1/companies/:companyId/records/:ref`: one record, its link, hold and open problems. */
export const getRecord = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyRefParams }, async ({ c, companyId, params }) => {
    const record = await deps.store.company(companyId).api.records.get(params.ref);
    if (record === undefined)
      throw new ApiError(404, "record_not_found", `No record ${params.ref} in company "${companyId}"`, {
        field: "ref",
        ref: params.ref,
      });
    return c.json(record);
  });
