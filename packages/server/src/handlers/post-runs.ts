import { companyParams, startRunBody, type RecordRef } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/**
 * `POST /api/v1/companies/:companyId/runs` (Sync Now): starts a sync in the background; 202 with the
 * run id once it has started, 409 when one is running (here or in another process).
 */
export const postRuns = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams, body: startRunBody }, async ({ c, companyId, body }) => {
    const { runId } = await deps.syncService.start(
      companyId,
      body.only ? { only: body.only as RecordRef[] } : {},
    );
    const base = `/api/v1/companies/${encodeURIComponent(companyId)}`;
    return c.json(
      {
        runId,
        status: "running" as const,
        events: `${base}/events`,
        run: `${base}/runs/${encodeURIComponent(runId)}`,
      },
      202,
    );
  });
