import { companyParams, listRunsQuery } from "@ledgerlink/core";
import type { Handler } from "hono";
import { runSummaryDto } from "../api-dto.js";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET /api/v1/companies/:companyId/runs`: sync runs, newest first, by status and trigger. */
export const getRuns = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams, query: listRunsQuery }, async ({ c, companyId, query }) => {
    const page = await deps.store.company(companyId).api.runs.listRuns({
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.trigger === undefined ? {} : { trigger: query.trigger }),
    });
    return c.json({ items: page.items.map(runSummaryDto), nextCursor: page.nextCursor });
  });
