import type { MiddlewareHandler } from "hono";
import { authFaultBody, faults } from "../fault.js";
import { faultResponse, jsonResponse } from "../http-response.js";
import type { Realm } from "../realm.js";
import { requestHeader } from "../request-body.js";
import type { EmulatorEnv, EmulatorState } from "../state.js";

/** Header on a response the transport must not deliver: the connection is dropped instead. */
export const DROP_HEADER = "x-emulator-drop-connection";

/** QBO's request timeout; an injected "timeout" holds the request this long (emulated). */
export const QBO_TIMEOUT_MS = 120_000;

const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();

function authFailure(realm: Realm, status: 401 | 403, detail: string): Response {
  const res = jsonResponse(status, authFaultBody(status, detail, realm.timestamp()));
  if (status === 401) res.headers.set("www-authenticate", 'Bearer realm="Intuit", error="invalid_token"');
  return res;
}

async function injected(state: EmulatorState, realm: Realm, path: string): Promise<Response | undefined> {
  const kind = realm.faults.next(path);
  switch (kind) {
    case undefined:
      return undefined;
    case "429":
      return faultResponse(realm, faults.throttled());
    case "500":
      return faultResponse(realm, faults.systemFault());
    case "503":
      return faultResponse(realm, faults.serviceUnavailable());
    case "timeout":
      await sleep(state.clock.toRealMs(QBO_TIMEOUT_MS));
      return jsonResponse(504, {
        Fault: {
          Error: [{ Message: "Gateway Timeout", Detail: "The request timed out", code: "504" }],
          type: "SystemFault",
        },
        time: realm.timestamp(),
      });
    case "drop":
      return new Response(null, { status: 502, headers: { [DROP_HEADER]: "1" } });
    case "revoke-token":
      state.tokens.revokeRealm(realm.id);
      return authFailure(realm, 401, "Token revoked: the connection was revoked (injected by the emulator)");
  }
}

/**
 * Everything in front of a v3 API handler, in QBO's order: the realm, the bearer token (lower-case
 * auth faults), injected faults, throttling (429), then latency; and the request log around it all.
 */
export function v3Middleware(state: EmulatorState): MiddlewareHandler<EmulatorEnv> {
  return async (c, next) => {
    const realmId = c.req.param("realmId") ?? "";
    const realm = state.realms.get(realmId);
    const url = new URL(c.req.url);
    if (!realm) {
      return jsonResponse(
        403,
        authFaultBody(403, `Unknown company (realmId ${realmId})`, new Date().toISOString()),
      );
    }
    const arrived = realm.timestamp();
    let status = 500;
    try {
      const res = await admit(
        state,
        realm,
        requestHeader(c, "authorization"),
        url.pathname,
        next,
        () => c.res,
      );
      status = res.status;
      return res;
    } finally {
      realm.logRequest({
        method: c.req.method,
        path: url.pathname + url.search,
        requestid: url.searchParams.get("requestid") ?? undefined,
        status,
        time: arrived,
      });
    }
  };

  async function admit(
    state: EmulatorState,
    realm: Realm,
    authorization: string | undefined,
    path: string,
    next: () => Promise<void>,
    result: () => Response,
  ): Promise<Response> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match) return authFailure(realm, 401, "Authorization header missing or not a Bearer token");
    const check = state.tokens.checkAccess(match[1]!, realm.nowMs());
    if (!check.ok) {
      const detail =
        check.reason === "expired"
          ? "Token expired: the access token has expired"
          : check.reason === "revoked"
            ? "Token revoked: the connection was disconnected"
            : "Token invalid: the access token is not recognised";
      return authFailure(realm, 401, detail);
    }
    if (check.realmId !== realm.id)
      return authFailure(realm, 403, `The access token does not grant access to company ${realm.id}`);

    const fault = await injected(state, realm, path);
    if (fault) return fault;

    const verdict = realm.throttle.admit(realm.nowMs(), state.limits, path.endsWith("/batch"));
    if (verdict !== "ok") return faultResponse(realm, faults.throttled());

    realm.throttle.inFlight++;
    try {
      if (state.latencyMs) {
        const { min, max } = state.latencyMs;
        await sleep(state.clock.toRealMs(min + state.random() * (max - min)));
      }
      await next();
      return result();
    } finally {
      realm.throttle.inFlight--;
    }
  }
}
