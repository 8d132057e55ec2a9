import { companyParams, globalSyncBody } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { planCompanyGlobalSync, runCompanyGlobalSync } from "../global-sync/run-global-sync.js";

/**
 * `POST …/global-sync/plan` (dry run) and `POST …/global-sync`: QBO-only customers and items into the
 * app's records. QBO is pulled first through the sync's dry run (connection checks and errors alike).
 */
export const postGlobalSync = (deps: ApiDeps, mode: "plan" | "run"): Handler =>
  apiHandler(deps, { params: companyParams, body: globalSyncBody }, async ({ c, companyId, body, at }) => {
    const o = {
      store: deps.store,
      companyId,
      scope: body.scope,
      kinds: body.kinds,
      at,
      pull: () => deps.syncService.plan(companyId),
    };
    if (mode === "plan") {
      const { creates, ...rest } = await planCompanyGlobalSync(o);
      return c.json({ ...rest, creates: creates.map(({ record: _r, ...c }) => c) });
    }
    const { creates, skipped, ...rest } = await runCompanyGlobalSync(o);
    return c.json({ ...rest, creates: creates.map(({ record: _r, ...c }) => c), skipped });
  });
