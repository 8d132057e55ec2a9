import { companyParams, listRecordsQuery } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET /api/v1/companies/:companyId/records`: the app's records as stored, with their QBO ids. */
export const getRecords = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams, query: listRecordsQuery }, async ({ c, companyId, query }) => {
    const page = await deps.store.company(companyId).api.records.list({
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.kind === undefined ? {} : { kind: query.kind }),
      ...(query.linked === undefined ? {} : { linked: query.linked === "true" }),
      ...(query.origin === undefined ? {} : { origin: query.origin }),
      ...(query.deleted === undefined ? {} : { deleted: query.deleted === "true" }),
      ...(query.parentId === undefined ? {} : { parentId: query.parentId }),
    });
    return c.json(page);
  });
