import { systemClock } from "@ledgerlink/core";
import { testDatabases, type AuthEvent, type UserRecord } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../../test/api-harness.js";
import { ensureFirstAdmin } from "./first-admin.js";
import { hashPassword } from "./passwords.js";

interface Body {
  csrfToken?: string;
  user?: { mustChangePassword: boolean };
  principal?: { kind: string; name: string; mustChangePassword: boolean };
  error?: { code: string; message: string; details?: unknown };
}

interface Session {
  status: number;
  body: Body;
  /** The session cookie, and its CSRF token unless `csrf` is false. */
  headers: (csrf?: boolean) => Record<string, string>;
}

const sessionOf = (headers: Headers): string | undefined =>
  headers
    .getSetCookie()
    .map((l) => /^ll_session=([^;]*)/.exec(l)?.[1])
    .find((v) => v !== undefined && v !== "");

/**
 * A password someone else chose (an admin adding a person or resetting theirs, the generated first
 * admin) must be replaced before its session does anything else: the authenticate middleware answers
 * every other /api request with 403 password_change_required, whatever it names. API keys never are.
 */
describe.each(testDatabases())(
  "a password someone else set is replaced at first sign-in, over HTTP ($dialect)",
  { timeout: 120_000 },
  (database) => {
    let h: ApiHarness;
    const root = { email: "root@ops.example", password: "root-own-password" };
    let rootId: string;
    beforeAll(async () => {
      h = await startApiHarness(database);
      // An operator-wide admin who chose their own password (made on the database directly).
      rootId = (
        await h.store.auth.createUser({
          email: root.email,
          name: "Root",
          passwordHash: await hashPassword(root.password),
          role: "admin",
          companyId: null,
          at: new Date().toISOString(),
        })
      ).id;
    }, 120_000);
    afterAll(() => h?.close());

    const login = async (email: string, password: string): Promise<Session> => {
      const res = await h.callAs<Body>(null, "POST", "/api/v1/auth/login", { email, password });
      return session(res.status, res.body, sessionOf(res.headers));
    };
    const session = (status: number, body: Body, token: string | undefined): Session => ({
      status,
      body,
      headers: (csrf = true) => ({
        cookie: `ll_session=${token ?? ""}`,
        ...(csrf && body.csrfToken !== undefined ? { "x-csrf-token": body.csrfToken } : {}),
      }),
    });
    const as = (s: Session, method: string, path: string, body?: unknown) =>
      h.callAs<Body>(null, method, path, body, s.headers());
    const me = async (s: Session) =>
      h.callAs<Body>(null, "GET", "/api/v1/auth/me", undefined, s.headers(false));
    const userNamed = async (email: string) =>
      (await h.call<{ items: UserRecord[] }>("GET", "/api/v1/auth/users")).body.items.find(
        (u) => u.email === email,
      )!;
    const addUser = async (email: string, password: string, role = "bookkeeper", companyId = "acme") => {
      const r = await h.call<UserRecord>("POST", "/api/v1/auth/users", {
        email,
        name: email.split("@")[0],
        password,
        role,
        companyId,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    };
    /** Changes the session's password; the answer's renewed session. */
    const chooseOwn = async (s: Session, currentPassword: string, newPassword: string) => {
      const r = await as(s, "POST", "/api/v1/auth/password", { currentPassword, newPassword });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return session(200, r.body, sessionOf(r.headers));
    };
    const held = (r: { status: number; body: Body }) => {
      expect(r.status).toBe(403);
      expect(r.body.error?.code).toBe("password_change_required");
    };

    it("a new person's session may only ask who it is and change the password; then the API opens", async () => {
      const made = await addUser("nia@acme.example", "nia-temporary-1");
      expect(made.mustChangePassword).toBe(true);
      const s = await login("nia@acme.example", "nia-temporary-1");
      expect(s.status).toBe(200);
      expect(s.body.user?.mustChangePassword).toBe(true);
      const who = await me(s);
      expect(who.status).toBe(200);
      expect(who.body.principal).toMatchObject({ kind: "session", mustChangePassword: true });

      const runs = await h.callAs<Body>(
        null,
        "GET",
        "/api/v1/companies/acme/runs",
        undefined,
        s.headers(false),
      );
      held(runs);
      expect(runs.body.error?.message).toMatch(
        /Your password was set for you .*: choose one only you know before anything else/,
      );
      expect(runs.body.error?.message).toContain("POST /api/v1/auth/password");
      held(await h.callAs(null, "GET", "/api/status", undefined, s.headers(false)));
      const before = JSON.stringify(await h.store.company("acme").counts());
      held(
        await as(s, "POST", "/api/v1/companies/acme/customers", [
          { id: "held1", displayName: "Held Session Co", active: true },
        ]),
      );
      expect(JSON.stringify(await h.store.company("acme").counts())).toBe(before);

      // The password change itself keeps every check it had: the current (temporary) one is asked.
      const wrong = await as(s, "POST", "/api/v1/auth/password", {
        currentPassword: "not-the-temporary",
        newPassword: "nia-own-password",
      });
      expect(wrong.body.error?.code).toBe("wrong_password");
      const noCsrf = await h.callAs<Body>(
        null,
        "POST",
        "/api/v1/auth/password",
        { currentPassword: "nia-temporary-1", newPassword: "nia-own-password" },
        s.headers(false),
      );
      expect(noCsrf.body.error?.code).toBe("csrf_failed");

      const renewed = await chooseOwn(s, "nia-temporary-1", "nia-own-password");
      expect((await me(renewed)).body.principal?.mustChangePassword).toBe(false);
      const open = await h.callAs(
        null,
        "GET",
        "/api/v1/companies/acme/runs",
        undefined,
        renewed.headers(false),
      );
      expect(open.status).toBe(200);
      expect((await userNamed("nia@acme.example")).mustChangePassword).toBe(false);
      expect((await login("nia@acme.example", "nia-own-password")).body.user?.mustChangePassword).toBe(false);

      const log = await h.call<{ items: AuthEvent[] }>("GET", `/api/v1/auth/events?subjectId=${made.id}`);
      expect(log.body.items.map((e) => [e.action, e.actor, e.detail])).toEqual([
        ["user.password_changed", "nia@acme.example", { replacedTemporary: true }],
        [
          "user.created",
          "key:test operator admin",
          { role: "bookkeeper", name: "nia", mustChangePassword: true },
        ],
      ]);
    });

    it("an admin's reset marks the person again; an admin setting their own password is not marked", async () => {
      const made = await addUser("oto@acme.example", "oto-temporary-1");
      const first = await login("oto@acme.example", "oto-temporary-1");
      await chooseOwn(first, "oto-temporary-1", "oto-own-password");
      const admin = await login(root.email, root.password);
      expect(admin.body.user?.mustChangePassword).toBe(false);
      const reset = await as(admin, "PATCH", `/api/v1/auth/users/${made.id}`, {
        password: "oto-reset-pass-1",
      });
      expect(reset.status).toBe(200);
      expect((reset.body as UserRecord).mustChangePassword).toBe(true);

      const again = await login("oto@acme.example", "oto-reset-pass-1");
      expect(again.body.user?.mustChangePassword).toBe(true);
      held(await h.callAs(null, "GET", "/api/v1/companies/acme/runs", undefined, again.headers(false)));
      const renewed = await chooseOwn(again, "oto-reset-pass-1", "oto-own-password-2");
      const runs = await h.callAs(
        null,
        "GET",
        "/api/v1/companies/acme/runs",
        undefined,
        renewed.headers(false),
      );
      expect(runs.status).toBe(200);

      // The admin's own password through the same route is their own choice.
      const own = await as(admin, "PATCH", `/api/v1/auth/users/${rootId}`, {
        password: "root-own-password-2",
      });
      expect(own.status).toBe(200);
      expect((own.body as UserRecord).mustChangePassword).toBe(false);
      root.password = "root-own-password-2";
      expect((await as(admin, "GET", "/api/v1/auth/users")).status).toBe(200);
    });

    it("never holds an API key, even one sent beside a held session's cookie", async () => {
      await addUser("pia@acme.example", "pia-temporary-1", "admin", "acme");
      const s = await login("pia@acme.example", "pia-temporary-1");
      held(await h.callAs(null, "GET", "/api/v1/companies/acme/runs", undefined, s.headers(false)));
      const key = await h.newKey("acme", "bookkeeper");
      expect((await h.callAs(key, "GET", "/api/v1/companies/acme/runs")).status).toBe(200);
      expect((await h.callAs(key, "GET", "/api/v1/companies/acme/runs", undefined, s.headers())).status).toBe(
        200,
      );
      const written = await h.callAs(key, "POST", "/api/v1/companies/acme/customers", [
        { id: "keyed1", displayName: "Keyed Co", active: true },
      ]);
      expect(written.status).toBeLessThan(300);
      const keyMe = await h.callAs<Body>(key, "GET", "/api/v1/auth/me");
      expect(keyMe.body.principal).toMatchObject({ kind: "api-key", mustChangePassword: false });
    });

    it("refuses the same way whatever the path names, and leaks nothing about it", async () => {
      const made = await addUser("quin@acme.example", "quin-temporary-1", "admin", "acme");
      const s = await login("quin@acme.example", "quin-temporary-1");
      const paths: Array<[string, string, unknown?]> = [
        ["GET", "/api/v1/companies/acme/runs"],
        ["GET", "/api/v1/companies/other/runs"], // a company Quin may not see
        ["GET", "/api/v1/companies/no-such-company/runs"],
        ["GET", "/api/v1/companies/acme/customers/C:1"],
        ["GET", "/api/v1/auth/users"],
        ["GET", "/api/v1/auth/events"],
        ["POST", "/api/v1/auth/keys", { name: "mine", role: "admin" }],
        ["PATCH", `/api/v1/auth/users/${made.id}`, { password: "quin-sets-own-1" }],
        ["PUT", "/api/v1/companies/acme/connection", { enabled: false, settings: {} }],
        ["GET", "/api/v1/nope"],
      ];
      const bodies = new Set<string>();
      for (const [method, path, body] of paths) {
        const r = await as(s, method, path, body);
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(r.headers.getSetCookie(), `${method} ${path}`).toEqual([]);
        bodies.add(JSON.stringify(r.body));
      }
      expect(bodies.size).toBe(1);
      const only = [...bodies][0]!;
      for (const secret of ["acme", "other", "no-such", root.email, "quin@", "temporary", "argon2"])
        expect(only).not.toContain(secret);
      // Nothing the refused requests asked for happened.
      expect((await h.store.auth.listApiKeys()).some((k) => k.name === "mine")).toBe(false);
      expect((await userNamed("quin@acme.example")).mustChangePassword).toBe(true);
      expect((await login("quin@acme.example", "quin-sets-own-1")).status).toBe(401);

      // Signing out stays possible (with the CSRF token, as any write).
      const out = await as(s, "POST", "/api/v1/auth/logout");
      expect(out.status).toBe(200);
      expect((await me(s)).status).toBe(401);
    });

    it("the generated first admin of a fresh install chooses their own password first", async () => {
      const fresh = await startApiHarness(database);
      try {
        const first = (await ensureFirstAdmin(fresh.store, systemClock))!;
        const res = await fresh.callAs<Body>(null, "POST", "/api/v1/auth/login", first);
        expect(res.body.user?.mustChangePassword).toBe(true);
        const cookie = { cookie: `ll_session=${sessionOf(res.headers)}` };
        const users = await fresh.callAs<Body>(null, "GET", "/api/v1/auth/users", undefined, cookie);
        expect(users.body.error?.code).toBe("password_change_required");
        const log = await fresh.store.auth.listAuthEvents({ limit: 5 });
        expect(log.find((e) => e.action === "user.created")).toMatchObject({
          actor: "first start",
          detail: { mustChangePassword: true },
        });
      } finally {
        await fresh.close();
      }
    });
  },
);
