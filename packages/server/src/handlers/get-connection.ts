import type { Handler } from "hono";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";

/** `GET /api/v1/companies/:companyId/connection`: status (connected / needs reconnect / disabled, why) and settings. */
export const getConnection =
  (deps: AppDeps): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const [status, row] = await Promise.all([
      deps.connections.status(companyId),
      deps.store.connections.get(companyId),
    ]);
    return c.json({ ...status, enabled: row?.enabled ?? true, settings: row?.settings ?? {} });
  };
