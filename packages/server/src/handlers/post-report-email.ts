import { RunNotFoundError } from "@ledgerlink/store";
import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";
import {
  ReportEmailError,
  reportRecipients,
  sendRunReport,
  type ReportTransport,
} from "../reports/report-email.js";
import { emailReportBody, parseBody, uniqueAddresses } from "../reports/report-recipients.js";

/**
 * `POST /api/v1/companies/:companyId/reports/runs/:runId/email` (body optional: `{ "recipients": [...] }`):
 * emails the run's report now, or writes it to disk when no mail server is configured and says where.
 * 409 when a mail server is configured but nobody is to receive it; 503 when the server refuses it.
 */
export const postReportEmail =
  (deps: AppDeps, transport: ReportTransport): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const runId = c.req.param("runId") ?? "";
    if (runId === "" || runId.length > 200)
      throw new ApiError(400, "invalid_run_id", "runId: give the id of a sync run", { field: "runId" });
    const body = await parseBody(c, emailReportBody);
    const recipients = body.recipients
      ? uniqueAddresses(body.recipients)
      : await reportRecipients(deps.store, companyId, transport);
    if (transport.kind === "smtp" && recipients.length === 0)
      throw new ApiError(
        409,
        "no_recipients",
        "Nobody is set to receive reports: add recipients (POST …/reports/recipients), set REPORT_RECIPIENTS, or send { recipients } with this request",
      );
    try {
      const delivery = await sendRunReport({
        store: deps.store,
        companyId,
        runId,
        transport,
        recipients,
        clock: deps.clock,
      });
      return c.json(delivery);
    } catch (err) {
      if (err instanceof RunNotFoundError)
        throw new ApiError(404, "run_not_found", `No sync run "${runId}" in company "${companyId}"`, {
          field: "runId",
        });
      if (err instanceof ReportEmailError)
        throw new ApiError(503, "email_failed", err.message, { savedTo: err.savedTo });
      throw err;
    }
  };
