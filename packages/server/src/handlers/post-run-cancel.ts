import { companyIdParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { RunNotRunningError } from "../sync-service.js";

/** `POST /api/v1/companies/:companyId/runs/:id/cancel`: asks a running sync to stop; 409 if it is not running. */
export const postRunCancel = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyIdParams }, async ({ c, companyId, params }) => {
    try {
      await deps.syncService.cancel(companyId, params.id);
    } catch (err) {
      if (err instanceof RunNotRunningError)
        throw new ApiError(409, "run_not_running", err.message, { runId: err.runId, status: err.status });
      throw err;
    }
    const run = await deps.store.company(companyId).sync.getRun(params.id);
    return c.json({ runId: params.id, cancelRequested: true, status: run.status });
  });
