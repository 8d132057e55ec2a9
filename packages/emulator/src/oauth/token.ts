import type { Handler } from "hono";
import type { EmulatorEnv, EmulatorState } from "../state.js";
import { authenticateClient, readParams } from "./client-auth.js";

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json;charset=UTF-8", "cache-control": "no-store" },
  });

/** Intuit's token endpoint: authorization_code and refresh_token grants, HTTP Basic client auth. */
export function token(state: EmulatorState): Handler<EmulatorEnv> {
  return async (c) => {
    const clientId = authenticateClient(state, c.req.header("authorization"));
    if (clientId === undefined) return json(401, { error: "invalid_client" });
    const params = await readParams(c.req);
    const grantType = params.get("grant_type");
    const nowOf = (realmId: string | undefined): number =>
      (realmId !== undefined ? state.realms.get(realmId)?.nowMs() : undefined) ?? state.clock.nowMs();

    if (grantType === "authorization_code") {
      const code = params.get("code") ?? "";
      const result = state.tokens.redeemCode(
        code,
        clientId,
        params.get("redirect_uri") ?? "",
        nowOf(state.tokens.realmOfCode(code)),
        params.get("code_verifier") ?? undefined,
      );
      return result === "invalid_grant" ? json(400, { error: "invalid_grant" }) : json(200, result);
    }
    if (grantType === "refresh_token") {
      const refresh = params.get("refresh_token") ?? "";
      const result = state.tokens.rotate(refresh, clientId, nowOf(state.tokens.realmOfRefreshToken(refresh)));
      return result === "invalid_grant" ? json(400, { error: "invalid_grant" }) : json(200, result);
    }
    return json(400, { error: "unsupported_grant_type" });
  };
}

/** Intuit's revoke endpoint: revokes the whole grant behind an access or refresh token. */
export function revoke(state: EmulatorState): Handler<EmulatorEnv> {
  return async (c) => {
    const clientId = authenticateClient(state, c.req.header("authorization"));
    if (clientId === undefined) return json(401, { error: "invalid_client" });
    const params = await readParams(c.req);
    const t = params.get("token");
    if (t === undefined || t === "") return json(400, { error: "invalid_request" });
    // Revoking an unknown token succeeds, per RFC 7009.
    state.tokens.revoke(t);
    return new Response(null, { status: 200 });
  };
}
