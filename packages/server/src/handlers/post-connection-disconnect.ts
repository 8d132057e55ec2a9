import type { Handler } from "hono";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";

/** `POST /api/v1/companies/:companyId/connection/disconnect`: revokes the grant and forgets it. */
export const postConnectionDisconnect =
  (deps: AppDeps): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const { revoked } = await deps.connections.disconnect(companyId);
    return c.json({ ...(await deps.connections.status(companyId)), revoked });
  };
