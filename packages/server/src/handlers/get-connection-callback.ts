import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import type { AppDeps } from "../app-deps.js";
import { oauthSessionBinding } from "../oauth-session.js";

/** `GET /api/v1/connection/callback`: Intuit redirects here with `code`, `state`, `realmId`. */
export const getConnectionCallback =
  (deps: AppDeps): Handler =>
  async (c) => {
    const nonce = oauthSessionBinding(c, false);
    if (!nonce) {
      throw new ApiError(
        400,
        "no_session",
        "Open this link in the browser you pressed Connect in, or press Connect again",
      );
    }
    const { companyId } = await deps.connections.completeConnect(c.req.url, nonce);
    return c.redirect(`/?connected=${encodeURIComponent(companyId)}`, 302);
  };
