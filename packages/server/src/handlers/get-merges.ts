import { companyParams, listMergesQuery } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET /api/v1/companies/:companyId/merges`: customer merges, newest first, by customer or undone. */
export const getMerges = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams, query: listMergesQuery }, async ({ c, companyId, query }) =>
    c.json(
      await deps.store.company(companyId).api.merges.list({
        limit: query.limit,
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        ...(query.customerId === undefined ? {} : { customerId: query.customerId }),
        ...(query.undone === undefined ? {} : { undone: query.undone === "true" }),
      }),
    ),
  );
