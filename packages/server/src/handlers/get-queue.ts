import { companyParams, listQueueQuery } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET /api/v1/companies/:companyId/queue`: Ready To Sync, with each record's hold. */
export const getQueue = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams, query: listQueueQuery }, async ({ c, companyId, query }) => {
    const page = await deps.store.company(companyId).api.queue.list({
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.kind === undefined ? {} : { kind: query.kind }),
      ...(query.state === undefined ? {} : { state: query.state }),
      ...(query.reason === undefined ? {} : { reason: query.reason }),
    });
    return c.json(page);
  });
