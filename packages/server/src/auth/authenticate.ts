import { tokenHash } from "@ledgerlink/store";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { ApiError, errorResponse } from "../api-error.js";
import type { AppDeps } from "../app-deps.js";
import { constantTimeEqual } from "./constant-time.js";
import { seesCompany, type Principal } from "./principal.js";
import { clientAddress, tooManyRequests, type RateLimits } from "./rate-limit.js";

export const sessionCookie = "ll_session";
/** Readable by the console's script, which echoes it in `x-csrf-token` (the session holds its hash). */
export const csrfCookie = "ll_csrf";
export const csrfHeader = "x-csrf-token";

/** Set by a handler that refused a wrong password (changing one's own): spends from the guessing bucket. */
export const passwordGuessFailed = "passwordGuessFailed";

declare module "hono" {
  interface ContextVariableMap {
    passwordGuessFailed: boolean | undefined;
  }
}

/** API paths anyone may call: health, Intuit's webhooks (signed), login, the API's own description. */
const publicPaths: ReadonlyArray<readonly [string, string]> = [
  ["GET", "/api/health"],
  ["POST", "/api/v1/webhooks/qbo"],
  ["POST", "/api/v1/auth/login"],
  ["GET", "/api/openapi.json"],
  ["GET", "/api/docs"],
];

const isPublic = (method: string, path: string) =>
  publicPaths.some(([m, p]) => (m === method || (m === "GET" && method === "HEAD")) && p === path);

const isWrite = (method: string) => !["GET", "HEAD", "OPTIONS"].includes(method);

/** Changing the QBO connection and managing keys and users is for admins only. */
const adminWrites = [/^\/api\/v1\/companies\/[^/]+\/connection(\/(connect|disconnect))?$/];
const operatorAdminPaths = [/^\/api\/v1\/auth\/(keys|users|events|companies)(\/|$)/];

/** The one write every signed-in user may make, read-only ones too: changing their own password. */
const ownPasswordPath = "/api/v1/auth/password";

/** All a session whose password someone else chose may do until its user chooses their own. */
const beforeOwnPassword: ReadonlyArray<readonly [string, string]> = [
  ["GET", "/api/v1/auth/me"],
  ["POST", ownPasswordPath],
  ["POST", "/api/v1/auth/logout"],
];

const allowedBeforeOwnPassword = (method: string, path: string) =>
  beforeOwnPassword.some(([m, p]) => (m === method || (m === "GET" && method === "HEAD")) && p === path);

/** Says what to do, and nothing about the resource asked for (not even whether it exists). */
const passwordChangeRequired = () =>
  new ApiError(
    403,
    "password_change_required",
    "Your password was set for you (by an administrator, or generated at first start): choose one " +
      "only you know before anything else. Sign in to the console, which asks for it, or POST " +
      "/api/v1/auth/password with currentPassword (the one you were given) and newPassword",
  );

const unauthenticated = () =>
  new ApiError(401, "unauthenticated", "Sign in, or send an API key as `Authorization: Bearer llk_…`");

async function principalFrom(c: Context, deps: AppDeps): Promise<Principal | undefined | "invalid"> {
  const at = deps.clock.now().toISOString();
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const key = m ? await deps.store.auth.findApiKey(m[1]!, at) : undefined;
    if (!key) return "invalid";
    return {
      kind: "api-key",
      id: key.id,
      label: `key:${key.name}`,
      role: key.role,
      companyId: key.companyId,
    };
  }
  const token = getCookie(c, sessionCookie);
  if (token === undefined) return undefined;
  const session = await deps.store.auth.findSession(token, at);
  if (!session) return undefined;
  const u = session.user;
  return {
    kind: "session",
    id: u.id,
    label: u.email,
    role: u.role,
    companyId: u.companyId,
    csrfHash: session.csrfHash,
    mustChangePassword: u.mustChangePassword,
  };
}

/** The company a path is about: `/api/v1/companies/<id>/…`, or the configured one for /api/status. */
function pathCompany(path: string, deps: AppDeps): string | undefined {
  const m = /^\/api\/v1\/companies\/([^/]+)/.exec(path);
  if (m) {
    try {
      return decodeURIComponent(m[1]!);
    } catch {
      return m[1]!;
    }
  }
  if (path === "/api/status") return deps.config.company;
  return undefined;
}

/** Is the request's Origin (when the browser sent one) this server? Guards cookie-borne writes. */
function sameOrigin(c: Context): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined || origin === "null") return origin === undefined;
  const url = new URL(c.req.url);
  const host = c.req.header("host") ?? url.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Every /api request: who is calling (API key, else session cookie), whether a session must first
 * replace a password someone else chose (then only who-am-I, the password change and logout answer),
 * whether they may see the company in the path (another company's answers 404, exactly like a company
 * that does not exist), whether their role allows the method, and, for cookie sessions, the CSRF token
 * on state-changing requests. Registered ahead of every route, so no handler runs unauthenticated and
 * none can forget the password change.
 */
export function authenticate(deps: AppDeps, limits?: RateLimits): MiddlewareHandler {
  return async (c, next) => {
    try {
      const method = c.req.method;
      const path = c.req.path;
      const login = method === "POST" && path === "/api/v1/auth/login";
      const passwordChange = method === "POST" && path === ownPasswordPath;
      // Guessing passwords or keys: each wrong one spends from the client address's small bucket.
      const address =
        limits && (login || passwordChange || c.req.header("authorization") !== undefined)
          ? clientAddress(c)
          : "";
      if (limits && address !== "") {
        const wait = await limits.failures.wait(address);
        if (wait > 0) return tooManyRequests(c, wait);
      }
      const found = await principalFrom(c, deps);
      if (found === "invalid") {
        if (limits) await limits.failures.spend(address);
        // A wrong or revoked key is refused even on public paths: the caller meant to authenticate.
        if (!isPublic(method, path)) throw unauthenticated();
        c.set("principal", undefined);
        return await next();
      }
      if (login) {
        // Login CSRF (signing a victim's browser into the attacker's account): same origin only.
        if (!sameOrigin(c)) throw new ApiError(403, "csrf_failed", "Sign in from Ledgerlink's own page");
        c.set("principal", found);
        try {
          await next();
        } catch (err) {
          if (limits && err instanceof ApiError && err.status === 401) await limits.failures.spend(address);
          throw err;
        }
        if (limits && c.res.status === 401) await limits.failures.spend(address);
        return;
      }
      c.set("principal", found);
      if (isPublic(method, path)) return await next();
      if (!found) throw unauthenticated();
      // Ahead of the company and role checks, so the refusal is the same whatever the path names.
      if (found.mustChangePassword === true && !allowedBeforeOwnPassword(method, path))
        throw passwordChangeRequired();
      const companyId = pathCompany(path, deps);
      if (companyId !== undefined && !seesCompany(found, companyId))
        throw new ApiError(404, "company_not_found", `No company "${companyId}"`, { field: "companyId" });
      if (
        operatorAdminPaths.some((re) => re.test(path)) &&
        (found.role !== "admin" || found.companyId !== null)
      )
        throw new ApiError(403, "forbidden", "Only an operator-wide admin manages API keys and users");
      if (isWrite(method)) {
        const logout = path === "/api/v1/auth/logout";
        if (found.role === "read-only" && !logout && !passwordChange)
          throw new ApiError(403, "forbidden", "A read-only user cannot change anything");
        if (found.role !== "admin" && adminWrites.some((re) => re.test(path)))
          throw new ApiError(403, "forbidden", "Only an admin changes the QuickBooks connection");
        if (found.kind === "session") {
          const sent = c.req.header(csrfHeader);
          if (
            !sameOrigin(c) ||
            sent === undefined ||
            !constantTimeEqual(tokenHash(sent), found.csrfHash ?? "")
          )
            throw new ApiError(403, "csrf_failed", `Missing or wrong ${csrfHeader} header; reload the page`);
        }
      }
      await next();
      // A stolen session must not make the current password guessable at the full request rate.
      if (limits && passwordChange && c.get(passwordGuessFailed) === true)
        await limits.failures.spend(address);
    } catch (err) {
      if (err instanceof ApiError) {
        const res = errorResponse(c, err);
        if (err.status === 401) res.headers.set("WWW-Authenticate", 'Bearer realm="ledgerlink"');
        return res;
      }
      throw err;
    }
  };
}
