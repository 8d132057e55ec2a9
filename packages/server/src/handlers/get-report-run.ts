import { RunNotFoundError } from "@ledgerlink/store";
import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";
import { reportResponse, runIdAndFormat } from "../reports/report-response.js";
import { buildRunReport } from "../reports/sync-report.js";

/**
 * `GET /api/v1/companies/:companyId/reports/runs/:runId(.json|.html|.csv)`: the post-sync report of one
 * run — counts, problems open when it ended, auto-repairs, unmatched customers and duplicates.
 */
export const getReportRun =
  (deps: AppDeps): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const { runId, format } = runIdAndFormat(c.req.param("runId"));
    try {
      const built = await buildRunReport({ store: deps.store, companyId, runId, clock: deps.clock });
      return reportResponse(c, built.report, format, `sync-report-${runId}`);
    } catch (err) {
      if (err instanceof RunNotFoundError)
        throw new ApiError(404, "run_not_found", `No sync run "${runId}" in company "${companyId}"`, {
          field: "runId",
        });
      throw err;
    }
  };
