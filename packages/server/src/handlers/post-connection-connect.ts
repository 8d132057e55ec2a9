import type { Handler } from "hono";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";
import { oauthSessionBinding } from "../oauth-session.js";

/**
 * `POST /api/v1/companies/:companyId/connection/connect`: starts Connect. Answers the authorize URL
 * to send the browser to; the state is bound to this browser's cookie and to the signed-in user.
 */
export const postConnectionConnect =
  (deps: AppDeps): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const nonce = oauthSessionBinding(c, true)!;
    const authorizeUrl = await deps.connections.startConnect(companyId, nonce);
    return c.json({ authorizeUrl });
  };
