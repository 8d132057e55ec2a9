import type { Handler } from "hono";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";
import { oauthSessionNonce } from "../oauth-session.js";

/**
 * `POST /api/v1/companies/:companyId/connection/connect`: starts Connect. Answers the authorize URL
 * to send the browser to; the state is bound to this browser's session cookie.
 */
export const postConnectionConnect =
  (deps: AppDeps): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const nonce = oauthSessionNonce(c, true)!;
    const authorizeUrl = await deps.connections.startConnect(companyId, nonce);
    return c.json({ authorizeUrl });
  };
