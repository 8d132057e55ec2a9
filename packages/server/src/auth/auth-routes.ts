import { roles, UserExistsError, type ApiKeyRecord, type UserRecord } from "@ledgerlink/store";
import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { ApiError } from "../api-error.js";
import { parseInput, readJson } from "../api-input.js";
import type { AppDeps } from "../app-deps.js";
import { logger } from "../logger.js";
import { csrfCookie, sessionCookie } from "./authenticate.js";
import { decoyHash, hashPassword, minPasswordLength, verifyPassword } from "./passwords.js";
import { principalOf, type Principal } from "./principal.js";

/** Console sessions last a working day; logging in again makes a new one. */
export const sessionTtlMs = 12 * 60 * 60 * 1000;

const roleSchema = z.enum(roles);
const companyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a company id");

const loginBody = z.strictObject({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});
const newKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: roleSchema.default("bookkeeper"),
  companyId: companyIdSchema.nullable().default(null),
});
const newUserBody = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(100),
  password: z.string().min(minPasswordLength, `at least ${minPasswordLength} characters`).max(1024),
  role: roleSchema,
  companyId: companyIdSchema.nullable().default(null),
});
const userChangeBody = z.strictObject({
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
  password: z
    .string()
    .min(minPasswordLength, `at least ${minPasswordLength} characters`)
    .max(1024)
    .optional(),
});

const isHttps = (c: Context) =>
  new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";

function setSessionCookies(c: Context, token: string, csrfToken: string) {
  const secure = isHttps(c);
  const maxAge = Math.floor(sessionTtlMs / 1000);
  setCookie(c, sessionCookie, token, { httpOnly: true, secure, sameSite: "Lax", path: "/", maxAge });
  // Readable by the console's script (it sends it back as x-csrf-token); useless without the session.
  setCookie(c, csrfCookie, csrfToken, { httpOnly: false, secure, sameSite: "Strict", path: "/", maxAge });
}

const principalView = (p: Principal) => ({
  kind: p.kind,
  id: p.id,
  name: p.label,
  role: p.role,
  companyId: p.companyId,
});

const keyView = (k: ApiKeyRecord) => ({ ...k });
const userView = (u: UserRecord) => ({ ...u });

async function knownCompany(deps: AppDeps, companyId: string | null) {
  if (companyId === null) return;
  if (!(await deps.store.listCompanies()).some((co) => co.id === companyId))
    throw new ApiError(400, "invalid_request", `body companyId: no company "${companyId}"`, {
      field: "companyId",
      in: "body",
    });
}

/**
 * Login, logout and who-am-I for the console; API keys and users for operator-wide admins. The
 * authenticate middleware has already decided who may reach each of these.
 */
export function registerAuthRoutes(app: Hono, deps: AppDeps): void {
  const now = () => deps.clock.now().toISOString();

  app.post("/api/v1/auth/login", async (c) => {
    const body = parseInput(loginBody, await readJson(c), "body");
    const found = await deps.store.auth.findUserByEmail(body.email);
    // Unknown emails cost an argon2 verify too, so timing does not tell which emails exist.
    const ok = await verifyPassword(found?.passwordHash ?? (await decoyHash()), body.password);
    if (!found || !ok || found.user.disabledAt !== null)
      throw new ApiError(401, "invalid_credentials", "Wrong email or password");
    const at = now();
    await deps.store.auth.sweepSessions(at);
    const session = await deps.store.auth.createSession(found.user.id, at, sessionTtlMs);
    setSessionCookies(c, session.token, session.csrfToken);
    (deps.logger ?? logger).info({ userId: found.user.id }, "console login");
    return c.json({
      user: principalView({
        kind: "session",
        id: found.user.id,
        label: found.user.email,
        role: found.user.role,
        companyId: found.user.companyId,
      }),
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    });
  });

  app.post("/api/v1/auth/logout", async (c) => {
    const p = principalOf(c);
    const token = getCookie(c, sessionCookie);
    if (p?.kind === "session" && token !== undefined) await deps.store.auth.endSession(token);
    deleteCookie(c, sessionCookie, { path: "/" });
    deleteCookie(c, csrfCookie, { path: "/" });
    return c.json({ ok: true });
  });

  app.get("/api/v1/auth/me", (c) => {
    const p = principalOf(c)!;
    return c.json({ principal: principalView(p) });
  });

  app.get("/api/v1/auth/keys", async (c) => {
    const companyId = c.req.query("companyId");
    const keys = await deps.store.auth.listApiKeys(companyId === undefined ? {} : { companyId });
    return c.json({ items: keys.map(keyView) });
  });

  app.post("/api/v1/auth/keys", async (c) => {
    const body = parseInput(newKeyBody, await readJson(c), "body");
    await knownCompany(deps, body.companyId);
    const { key, record } = await deps.store.auth.createApiKey({
      name: body.name,
      role: body.role,
      companyId: body.companyId,
      createdBy: principalOf(c)!.label,
      at: now(),
    });
    (deps.logger ?? logger).info({ keyId: record.id, keyPrefix: record.prefix }, "API key created");
    // The only time the key is shown: it is kept as a hash.
    return c.json({ ...keyView(record), key }, 201);
  });

  app.delete("/api/v1/auth/keys/:id", async (c) => {
    const id = c.req.param("id");
    if (!(await deps.store.auth.revokeApiKey(id, now()))) {
      throw new ApiError(404, "key_not_found", `No live API key "${id}"`, { field: "id" });
    }
    (deps.logger ?? logger).info({ keyId: id }, "API key revoked");
    return c.json(keyView((await deps.store.auth.getApiKey(id))!));
  });

  app.get("/api/v1/auth/users", async (c) =>
    c.json({ items: (await deps.store.auth.listUsers()).map(userView) }),
  );

  app.post("/api/v1/auth/users", async (c) => {
    const body = parseInput(newUserBody, await readJson(c), "body");
    await knownCompany(deps, body.companyId);
    try {
      const user = await deps.store.auth.createUser({
        email: body.email,
        name: body.name,
        passwordHash: await hashPassword(body.password),
        role: body.role,
        companyId: body.companyId,
        at: now(),
      });
      return c.json(userView(user), 201);
    } catch (err) {
      if (err instanceof UserExistsError)
        throw new ApiError(409, "user_exists", err.message, { field: "email", in: "body" });
      throw err;
    }
  });

  app.patch("/api/v1/auth/users/:id", async (c) => {
    const id = c.req.param("id");
    const body = parseInput(userChangeBody, await readJson(c), "body");
    if (!(await deps.store.auth.getUser(id)))
      throw new ApiError(404, "user_not_found", `No user "${id}"`, { field: "id" });
    if (
      id === principalOf(c)!.id &&
      (body.disabled === true || (body.role !== undefined && body.role !== "admin"))
    )
      throw new ApiError(409, "own_account", "An admin cannot disable or demote themselves");
    const user = await deps.store.auth.updateUser(
      id,
      {
        ...(body.role === undefined ? {} : { role: body.role }),
        ...(body.disabled === undefined ? {} : { disabled: body.disabled }),
        ...(body.password === undefined ? {} : { passwordHash: await hashPassword(body.password) }),
      },
      now(),
    );
    return c.json(userView(user!));
  });
}
