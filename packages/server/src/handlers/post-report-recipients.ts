import type { Handler } from "hono";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";
import { parseBody, recipientsBody, uniqueAddresses } from "../reports/report-recipients.js";

/**
 * `POST /api/v1/companies/:companyId/reports/recipients` `{ "recipients": [...] }`: replaces the
 * company's list (an empty list falls back to REPORT_RECIPIENTS). A bad address is a 400 naming it.
 */
export const postReportRecipients =
  (deps: AppDeps, defaultRecipients: readonly string[]): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const body = await parseBody(c, recipientsBody);
    const reports = deps.store.company(companyId).reports;
    await reports.replaceRecipients(uniqueAddresses(body.recipients), deps.clock.now().toISOString());
    const own = await reports.listRecipients();
    return c.json({
      recipients: own.length > 0 ? own : [...defaultRecipients],
      source: own.length > 0 ? "company" : "default",
      default: [...defaultRecipients],
    });
  };
