import {
  LastAdminError,
  roles,
  UserExistsError,
  type ApiKeyRecord,
  type AuthEvent,
  type UserRecord,
} from "@ledgerlink/store";
import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { ApiError } from "../api-error.js";
import { parseInput, readJson } from "../api-input.js";
import type { AppDeps } from "../app-deps.js";
import { logger } from "../logger.js";
import { csrfCookie, passwordGuessFailed, sessionCookie } from "./authenticate.js";
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
  name: z.string().trim().min(1, "say what the key is for, e.g. the app's name").max(100),
  role: roleSchema.default("bookkeeper"),
  companyId: companyIdSchema.nullable().default(null),
});
const newUserBody = z.strictObject({
  email: z.email("an email address, like ann@example.com").max(320),
  name: z.string().trim().min(1, "the person's name").max(100),
  password: z.string().min(minPasswordLength, `at least ${minPasswordLength} characters`).max(1024),
  role: roleSchema,
  companyId: companyIdSchema.nullable().default(null),
});
const userChangeBody = z.strictObject({
  role: roleSchema.optional(),
  companyId: companyIdSchema.nullable().optional(),
  disabled: z.boolean().optional(),
  password: z
    .string()
    .min(minPasswordLength, `at least ${minPasswordLength} characters`)
    .max(1024)
    .optional(),
});

const passwordChangeBody = z.strictObject({
  currentPassword: z.string().min(1, "your current password").max(1024),
  newPassword: z.string().min(minPasswordLength, `at least ${minPasswordLength} characters`).max(1024),
});
const authEventsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  subjectId: z.string().min(1).max(100).optional(),
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
  /** The console shows only "choose your own password" while true (the API refuses the rest). */
  mustChangePassword: p.mustChangePassword === true,
});

const keyView = (k: ApiKeyRecord) => ({ ...k });
const userView = (u: UserRecord) => ({ ...u });
const eventView = (e: AuthEvent) => ({ ...e });

/** LastAdminError as the API's 409 (the change would leave nobody to manage accounts). */
function lastAdminConflict(err: unknown, field: string): unknown {
  return err instanceof LastAdminError
    ? new ApiError(409, "last_admin", err.message, { field, in: "body" })
    : err;
}

async function knownCompany(deps: AppDeps, companyId: string | null) {
  if (companyId === null) return;
  if (!(await deps.store.listCompanies()).some((co) => co.id === companyId))
    throw new ApiError(400, "invalid_request", `body companyId: no company "${companyId}"`, {
      field: "companyId",
      in: "body",
    });
}

/**
 * Login, logout, who-am-I and changing one's own password for the console; API keys, users, the
 * account log and the list of companies for operator-wide admins. The authenticate middleware has
 * already decided who may reach each of these. Every change to a user or a key is written to the
 * store's account log (who, what, when) and logged here, never with a secret.
 */
export function registerAuthRoutes(app: Hono, deps: AppDeps): void {
  const now = () => deps.clock.now().toISOString();
  const log = () => deps.logger ?? logger;

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
    (deps.logger ?? logger).info(
      { userId: found.user.id, ...(found.user.mustChangePassword ? { mustChangePassword: true } : {}) },
      "console login",
    );
    return c.json({
      user: principalView({
        kind: "session",
        id: found.user.id,
        label: found.user.email,
        role: found.user.role,
        companyId: found.user.companyId,
        mustChangePassword: found.user.mustChangePassword,
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

  // Any signed-in user, read-only ones too (the middleware lets them reach this one write), and the only
  // way forward for one whose password someone else set: their own clears the mark. The session is
  // renewed: every session of the user ends, this browser gets a new one.
  app.post("/api/v1/auth/password", async (c) => {
    const p = principalOf(c)!;
    if (p.kind !== "session")
      throw new ApiError(
        403,
        "not_a_user",
        "An API key has no password; sign in to the console as a user to change yours",
      );
    const body = parseInput(passwordChangeBody, await readJson(c), "body");
    const found = await deps.store.auth.findUserByEmail(p.label);
    if (!found || found.user.id !== p.id) throw new ApiError(401, "unauthenticated", "Sign in again");
    if (!(await verifyPassword(found.passwordHash, body.currentPassword))) {
      c.set(passwordGuessFailed, true);
      throw new ApiError(400, "wrong_password", "body currentPassword: this is not your current password", {
        field: "currentPassword",
        in: "body",
      });
    }
    if (body.newPassword === body.currentPassword)
      throw new ApiError(
        400,
        "invalid_request",
        "body newPassword: choose a password different from the current one",
        { field: "newPassword", in: "body" },
      );
    const at = now();
    await deps.store.auth.updateUser(p.id, { passwordHash: await hashPassword(body.newPassword) }, at, {
      by: p.label,
      ownPassword: true,
    });
    const session = await deps.store.auth.createSession(p.id, at, sessionTtlMs);
    setSessionCookies(c, session.token, session.csrfToken);
    log().info({ userId: p.id }, "password changed by its user; their other sessions ended");
    return c.json({ ok: true, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });

  app.get("/api/v1/auth/companies", async (c) =>
    c.json({ items: (await deps.store.listCompanies()).map((co) => ({ id: co.id, name: co.name })) }),
  );

  app.get("/api/v1/auth/events", async (c) => {
    const q = parseInput(authEventsQuery, c.req.query(), "query");
    const items = await deps.store.auth.listAuthEvents({
      limit: q.limit,
      ...(q.subjectId === undefined ? {} : { subjectId: q.subjectId }),
    });
    return c.json({ items: items.map(eventView) });
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
    log().info({ keyId: record.id, keyPrefix: record.prefix, role: record.role }, "API key created");
    // The only time the key is shown: it is kept as a hash.
    return c.json({ ...keyView(record), key }, 201);
  });

  app.delete("/api/v1/auth/keys/:id", async (c) => {
    const id = c.req.param("id");
    if (!(await deps.store.auth.revokeApiKey(id, now(), principalOf(c)!.label))) {
      throw new ApiError(404, "key_not_found", `No live API key "${id}"`, { field: "id" });
    }
    log().info({ keyId: id }, "API key revoked");
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
        by: principalOf(c)!.label,
        // The admin chose it and knows it: the person chooses their own at first sign-in.
        mustChangePassword: true,
      });
      log().info({ userId: user.id, role: user.role, companyId: user.companyId }, "console user created");
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
      (body.disabled === true ||
        (body.role !== undefined && body.role !== "admin") ||
        (body.companyId !== undefined && body.companyId !== null))
    )
      throw new ApiError(409, "own_account", "An admin cannot disable or demote themselves");
    if (body.companyId !== undefined) await knownCompany(deps, body.companyId);
    const p = principalOf(c)!;
    const own = p.kind === "session" && p.id === id;
    const token = getCookie(c, sessionCookie);
    const user = await deps.store.auth
      .updateUser(
        id,
        {
          ...(body.role === undefined ? {} : { role: body.role }),
          ...(body.companyId === undefined ? {} : { companyId: body.companyId }),
          ...(body.disabled === undefined ? {} : { disabled: body.disabled }),
          ...(body.password === undefined ? {} : { passwordHash: await hashPassword(body.password) }),
        },
        now(),
        // An admin setting their own password keeps this session; anyone else's all end, and they must
        // choose their own at their next sign-in (the store marks a password set by someone else).
        { by: p.label, ownPassword: own, ...(own && token !== undefined ? { keepSession: token } : {}) },
      )
      .catch((err: unknown) => {
        throw lastAdminConflict(
          err,
          body.role !== undefined ? "role" : body.companyId !== undefined ? "companyId" : "disabled",
        );
      });
    log().info(
      {
        userId: id,
        ...(body.role === undefined ? {} : { role: body.role }),
        ...(body.companyId === undefined ? {} : { companyId: body.companyId }),
        ...(body.disabled === undefined ? {} : { disabled: body.disabled }),
        passwordReset: body.password !== undefined,
      },
      "console user changed",
    );
    return c.json(userView(user!));
  });
}
