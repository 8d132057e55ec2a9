import { companyIdParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { runSummaryDto } from "../api-dto.js";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET /api/v1/companies/:companyId/runs/:id`: one run with counts per outcome and entity, ops by state. */
export const getRun = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyIdParams }, async ({ c, companyId, params }) => {
    const company = deps.store.company(companyId);
    const run = await company.sync.getRun(params.id);
    const [opsByState, holder] = await Promise.all([
      company.api.runs.opsByState(run.id),
      company.sync.leaseHolder(deps.clock.now()),
    ]);
    return c.json({
      ...runSummaryDto(run),
      opsByState,
      active:
        run.status === "running" &&
        (deps.syncService.activeRunId(companyId) === run.id || holder !== undefined),
    });
  });
