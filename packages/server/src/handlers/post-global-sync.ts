import { companyParams, globalSyncBody, SyncBusyError } from "@ledgerlink/core";
import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { planCompanyGlobalSync, runCompanyGlobalSync } from "../global-sync/run-global-sync.js";

/**
 * `POST …/global-sync/plan` (dry run) and `POST …/global-sync`: QBO-only customers and items into the
 * app's records. QBO is pulled first through the sync's dry run (connection checks and errors alike).
 * The run takes the company's sync lease: 409 `sync_running` while a sync (or another global sync) runs.
 */
export const postGlobalSync = (deps: ApiDeps, mode: "plan" | "run"): Handler =>
  apiHandler(deps, { params: companyParams, body: globalSyncBody }, async ({ c, companyId, body, at }) => {
    const o = {
      store: deps.store,
      companyId,
      scope: body.scope,
      kinds: body.kinds,
      at,
      clock: deps.clock,
      pull: () => deps.syncService.plan(companyId),
    };
    if (mode === "plan") {
      const { creates, ...rest } = await planCompanyGlobalSync(o);
      return c.json({ ...rest, creates: creates.map(({ record: _r, ...c }) => c) });
    }
    if (deps.syncService.isRunning(companyId)) throw busy(companyId);
    const { creates, skipped, ...rest } = await runCompanyGlobalSync(o).catch((err: unknown) => {
      throw err instanceof SyncBusyError ? busy(companyId) : err;
    });
    return c.json({ ...rest, creates: creates.map(({ record: _r, ...c }) => c), skipped });
  });

const busy = (companyId: string): ApiError =>
  new ApiError(
    409,
    "sync_running",
    `A sync of company ${companyId} is running; run the global sync again once it has finished`,
    { companyId },
  );
