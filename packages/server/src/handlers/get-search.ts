import { companyParams, searchQuery } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET /api/v1/companies/:companyId/search?q=`: refs, QBO Ids, names, emails, phones; best first. */
export const getSearch = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams, query: searchQuery }, async ({ c, companyId, query }) =>
    c.json(
      await deps.store.company(companyId).api.search.search({
        q: query.q,
        source: query.source,
        limit: query.limit,
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      }),
    ),
  );
