import type { Handler } from "hono";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";

/**
 * `GET /api/v1/companies/:companyId/reports/recipients`: who gets the company's post-sync report — its
 * own list, or (when it has none) the deployment's REPORT_RECIPIENTS.
 */
export const getReportRecipients =
  (deps: AppDeps, defaultRecipients: readonly string[]): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const own = await deps.store.company(companyId).reports.listRecipients();
    return c.json({
      recipients: own.length > 0 ? own : [...defaultRecipients],
      source: own.length > 0 ? "company" : "default",
      default: [...defaultRecipients],
    });
  };
