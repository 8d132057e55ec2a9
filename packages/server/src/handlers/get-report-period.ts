import type { Handler } from "hono";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";
import { parsePeriod } from "../reports/report-period.js";
import { reportResponse, type ReportFormat } from "../reports/report-response.js";
import { buildPeriodReport } from "../reports/sync-report.js";

/**
 * `GET /api/v1/companies/:companyId/reports(.json|.html|.csv)?from=&to=`: the report of a period — the
 * runs that started in it, summed, and the problems open at its end.
 */
export const getReportPeriod =
  (deps: AppDeps, format: ReportFormat): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const { from, to } = parsePeriod({ from: c.req.query("from"), to: c.req.query("to") }, deps.clock.now());
    const built = await buildPeriodReport({ store: deps.store, companyId, from, to, clock: deps.clock });
    return reportResponse(c, built.report, format, `sync-report-${from.slice(0, 10)}-${to.slice(0, 10)}`);
  };
