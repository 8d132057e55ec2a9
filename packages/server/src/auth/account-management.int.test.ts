import { testDatabases, type AuthEvent } from "@ledgerlink/store";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../../test/api-harness.js";
import { createLogger } from "../logger.js";
import { hashPassword } from "./passwords.js";

interface Signed {
  status: number;
  body: { csrfToken?: string; error?: { code: string; message: string; details?: { field?: string } } };
  /** Cookie and CSRF headers of the session (with `csrf: false`, the cookie alone). */
  headers: (csrf?: boolean) => Record<string, string>;
}

/** The session cookie a response set, if any. */
const sessionOf = (headers: Headers): string | undefined =>
  headers
    .getSetCookie()
    .map((l) => /^ll_session=([^;]*)/.exec(l)?.[1])
    .find((v) => v !== undefined && v !== "");

describe.each(testDatabases())(
  "changing one's own password, resets, disabling and the account log over HTTP ($dialect)",
  { timeout: 120_000 },
  (database) => {
    let h: ApiHarness;
    /** An operator-wide admin user besides the harness's admin key (the last-admin guard needs one). */
    const root = { email: "root@ops.example", password: "root-password-123" };
    let rootId: string;
    /** The server's log lines, read back at the end. */
    const lines: string[] = [];
    beforeAll(async () => {
      const destination = new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString("utf8"));
          done();
        },
      });
      h = await startApiHarness(database, { logger: createLogger({ destination }) });
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

    const login = async (email: string, password: string): Promise<Signed> => {
      const res = await h.callAs<Signed["body"]>(null, "POST", "/api/v1/auth/login", { email, password });
      return signed(res.status, res.body, sessionOf(res.headers));
    };
    const signed = (status: number, body: Signed["body"], token: string | undefined): Signed => ({
      status,
      body,
      headers: (csrf = true) => ({
        cookie: `ll_session=${token ?? ""}`,
        ...(csrf && body.csrfToken !== undefined ? { "x-csrf-token": body.csrfToken } : {}),
      }),
    });
    const me = async (s: Signed) =>
      (await h.callAs(null, "GET", "/api/v1/auth/me", undefined, s.headers(false))).status;
    const asSession = <T = Signed["body"]>(s: Signed, method: string, path: string, body?: unknown) =>
      h.callAs<T>(null, method, path, body, s.headers());
    const addUser = async (email: string, password: string, role: string, companyId: string | null) => {
      const r = await h.call<{ id: string }>("POST", "/api/v1/auth/users", {
        email,
        name: email.split("@")[0],
        password,
        role,
        companyId,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id;
    };
    const events = async () =>
      (await h.call<{ items: AuthEvent[] }>("GET", "/api/v1/auth/events?limit=500")).body.items;

    it("a user changes their own password: the current one is checked, every other session ends, this browser gets a new one", async () => {
      const email = "dana@acme.example";
      const id = await addUser(email, "dana-first-pass", "bookkeeper", "acme");
      const here = await login(email, "dana-first-pass");
      const elsewhere = await login(email, "dana-first-pass");
      expect([here.status, elsewhere.status]).toEqual([200, 200]);

      const wrong = await asSession(here, "POST", "/api/v1/auth/password", {
        currentPassword: "not-my-password",
        newPassword: "dana-second-pass",
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toMatchObject({
        code: "wrong_password",
        details: { field: "currentPassword" },
      });
      expect(wrong.body.error?.message).toContain("currentPassword");
      const short = await asSession(here, "POST", "/api/v1/auth/password", {
        currentPassword: "dana-first-pass",
        newPassword: "short",
      });
      expect(short.status).toBe(400);
      expect(short.body.error?.details?.field).toBe("newPassword");
      expect(short.body.error?.message).toMatch(/newPassword: at least 12 characters/);
      const same = await asSession(here, "POST", "/api/v1/auth/password", {
        currentPassword: "dana-first-pass",
        newPassword: "dana-first-pass",
      });
      expect(same.body.error?.details?.field).toBe("newPassword");
      // A cookie alone (a cross-site form) cannot change it.
      const noCsrf = await h.callAs(
        null,
        "POST",
        "/api/v1/auth/password",
        { currentPassword: "dana-first-pass", newPassword: "dana-second-pass" },
        here.headers(false),
      );
      expect(noCsrf.status).toBe(403);
      // None of the refusals changed anything: both sessions live, the old password signs in.
      expect([await me(here), await me(elsewhere)]).toEqual([200, 200]);

      const ok = await h.callAs<{ ok: boolean; csrfToken: string }>(
        null,
        "POST",
        "/api/v1/auth/password",
        { currentPassword: "dana-first-pass", newPassword: "dana-second-pass" },
        here.headers(),
      );
      expect(ok.status).toBe(200);
      expect(JSON.stringify(ok.body)).not.toContain("dana-second-pass");
      const renewed = signed(200, ok.body, sessionOf(ok.headers));
      expect(sessionOf(ok.headers)).toMatch(/^lls_/);
      expect(await me(renewed)).toBe(200);
      expect(await me(elsewhere)).toBe(401);
      expect(await me(here)).toBe(401); // the old token of this browser too: it was renewed
      // The renewed session writes with its new CSRF token.
      const write = await asSession(renewed, "POST", "/api/v1/companies/acme/customers", [
        { id: "pw1", displayName: "Renewed Session Co", active: true },
      ]);
      expect(write.status).toBeLessThan(300);
      expect((await login(email, "dana-first-pass")).status).toBe(401);
      expect((await login(email, "dana-second-pass")).status).toBe(200);

      const log = (await events()).filter((e) => e.subjectId === id);
      expect(log.map((e) => [e.action, e.actor])).toEqual([
        ["user.password_changed", email],
        ["user.created", "key:test operator admin"],
      ]);
      expect(JSON.stringify(log)).not.toMatch(/dana-(first|second)-pass|argon2/);
    });

    it("a read-only user may change their own password and nothing else new; non-admins reach no account route", async () => {
      const roId = await addUser("rory@acme.example", "rory-first-pass", "read-only", "acme");
      const bkId = await addUser("bea@acme.example", "bea-first-pass", "bookkeeper", null);
      const ro = await login("rory@acme.example", "rory-first-pass");
      // Bea replaces the password the admin chose first, so what refuses her below is her role alone.
      const bea = await login("bea@acme.example", "bea-first-pass");
      const beaOwn = await asSession(bea, "POST", "/api/v1/auth/password", {
        currentPassword: "bea-first-pass",
        newPassword: "bea-second-pass",
      });
      expect(beaOwn.status).toBe(200);
      const bk = signed(200, beaOwn.body, sessionOf(beaOwn.headers));
      const changed = await asSession(ro, "POST", "/api/v1/auth/password", {
        currentPassword: "rory-first-pass",
        newPassword: "rory-second-pass",
      });
      expect(changed.status).toBe(200);
      const roNow = signed(200, changed.body, sessionOf(changed.headers));
      expect((await asSession(roNow, "POST", "/api/v1/companies/acme/runs", {})).status).toBe(403);

      const adminOnly: Array<[string, string, unknown?]> = [
        ["GET", "/api/v1/auth/users"],
        [
          "POST",
          "/api/v1/auth/users",
          { email: "x@y.example", name: "x", password: "x".repeat(12), role: "admin" },
        ],
        ["PATCH", `/api/v1/auth/users/${bkId}`, { role: "admin" }], // their own account: no self-promotion
        ["PATCH", `/api/v1/auth/users/${roId}`, { disabled: true }],
        ["GET", "/api/v1/auth/keys"],
        ["POST", "/api/v1/auth/keys", { name: "mine", role: "admin" }],
        ["DELETE", "/api/v1/auth/keys/anything"],
        ["GET", "/api/v1/auth/events"],
        ["GET", "/api/v1/auth/companies"],
      ];
      for (const who of [roNow, bk])
        for (const [method, path, body] of adminOnly) {
          const r = await asSession<Signed["body"]>(who, method, path, body);
          expect(r.status, `${method} ${path}`).toBe(403);
          expect(r.body.error?.code, `${method} ${path}`).toBe("forbidden");
          expect(JSON.stringify(r.body)).not.toContain("bea@acme.example");
        }
      // A company-scoped admin key is no operator either; an API key has no password to change.
      const acmeAdmin = await h.newKey("acme", "admin");
      expect((await h.callAs(acmeAdmin, "GET", "/api/v1/auth/events")).status).toBe(403);
      const byKey = await h.callAs<Signed["body"]>(acmeAdmin, "POST", "/api/v1/auth/password", {
        currentPassword: "x",
        newPassword: "y".repeat(12),
      });
      expect(byKey.status).toBe(403);
      expect(byKey.body.error?.code).toBe("not_a_user");
      expect(await h.store.auth.getUser(bkId)).toMatchObject({ role: "bookkeeper", disabledAt: null });
      expect(await h.store.auth.getUser(roId)).toMatchObject({ role: "read-only", disabledAt: null });
    });

    it("an admin's reset ends every session of the user; their own reset keeps only the session making it", async () => {
      const id = await addUser("eli@acme.example", "eli-first-pass", "bookkeeper", "acme");
      const s1 = await login("eli@acme.example", "eli-first-pass");
      const s2 = await login("eli@acme.example", "eli-first-pass");
      const admin = await login(root.email, root.password);
      const reset = await asSession(admin, "PATCH", `/api/v1/auth/users/${id}`, {
        password: "eli-temp-pass-1",
      });
      expect(reset.status).toBe(200);
      expect([await me(s1), await me(s2), await me(admin)]).toEqual([401, 401, 200]);
      expect((await login("eli@acme.example", "eli-temp-pass-1")).status).toBe(200);

      const otherAdmin = await login(root.email, root.password);
      const own = await asSession(admin, "PATCH", `/api/v1/auth/users/${rootId}`, {
        password: "root-password-456",
      });
      expect(own.status).toBe(200);
      expect([await me(admin), await me(otherAdmin)]).toEqual([200, 401]);
      root.password = "root-password-456";
      const log = await events();
      expect(log.find((e) => e.subjectId === id && e.action === "user.password_reset")?.actor).toBe(
        root.email,
      );
      expect(log.find((e) => e.subjectId === rootId)?.action).toBe("user.password_changed");
    });

    it("disabling ends every session and refuses sign-in until enabled; the last admin who can sign in stays", async () => {
      const id = await addUser("fay@acme.example", "fay-first-pass", "bookkeeper", "acme");
      const s = await login("fay@acme.example", "fay-first-pass");
      expect((await h.call("PATCH", `/api/v1/auth/users/${id}`, { disabled: true })).status).toBe(200);
      expect(await me(s)).toBe(401);
      expect((await login("fay@acme.example", "fay-first-pass")).status).toBe(401);
      expect((await h.call("PATCH", `/api/v1/auth/users/${id}`, { disabled: false })).status).toBe(200);
      expect((await login("fay@acme.example", "fay-first-pass")).status).toBe(200);

      // Root is the only operator-wide admin user: the admin key may not lock everyone out.
      const last = await h.call<Signed["body"]>("PATCH", `/api/v1/auth/users/${rootId}`, { disabled: true });
      expect(last.status).toBe(409);
      expect(last.body.error).toMatchObject({ code: "last_admin", details: { field: "disabled" } });
      const demote = await h.call<Signed["body"]>("PATCH", `/api/v1/auth/users/${rootId}`, {
        role: "read-only",
      });
      expect(demote.body.error).toMatchObject({ code: "last_admin", details: { field: "role" } });
      expect(await h.store.auth.getUser(rootId)).toMatchObject({ role: "admin", disabledAt: null });

      const log = (await events()).filter((e) => e.subjectId === id).map((e) => e.action);
      expect(log).toEqual(["user.enabled", "user.disabled", "user.created"]);
    });

    it("an admin changes what a person sees: their next request sees that scope; checked, logged, guarded", async () => {
      const id = await addUser("gus@acme.example", "gus-first-pass", "bookkeeper", "acme");
      const first = await login("gus@acme.example", "gus-first-pass");
      const own = await asSession(first, "POST", "/api/v1/auth/password", {
        currentPassword: "gus-first-pass",
        newPassword: "gus-second-pass",
      });
      expect(own.status).toBe(200);
      const gus = signed(200, own.body, sessionOf(own.headers));
      const runsOf = async (company: string) =>
        (await asSession(gus, "GET", `/api/v1/companies/${company}/runs`)).status;
      expect([await runsOf("acme"), await runsOf("other")]).toEqual([200, 404]);

      const moved = await h.call<{ companyId: string | null }>("PATCH", `/api/v1/auth/users/${id}`, {
        companyId: "other",
      });
      expect([moved.status, moved.body.companyId]).toEqual([200, "other"]);
      // The same session, at once: the scope is read with each request.
      expect([await runsOf("acme"), await runsOf("other")]).toEqual([404, 200]);
      const everywhere = await h.call("PATCH", `/api/v1/auth/users/${id}`, { companyId: null });
      expect(everywhere.status).toBe(200);
      expect([await runsOf("acme"), await runsOf("other")]).toEqual([200, 200]);

      const unknown = await h.call<Signed["body"]>("PATCH", `/api/v1/auth/users/${id}`, {
        companyId: "nope",
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toMatchObject({ details: { field: "companyId" } });
      expect(unknown.body.error?.message).toContain('no company "nope"');
      // Root is the last operator-wide admin user: scoping it to one company would lock every other out.
      const scoped = await h.call<Signed["body"]>("PATCH", `/api/v1/auth/users/${rootId}`, {
        companyId: "acme",
      });
      expect(scoped.status).toBe(409);
      expect(scoped.body.error).toMatchObject({ code: "last_admin", details: { field: "companyId" } });
      expect((await h.store.auth.getUser(rootId))?.companyId).toBe(null);
      // Nor may an admin narrow their own scope from a session.
      const rootSession = await login(root.email, root.password);
      const self = await asSession(rootSession, "PATCH", `/api/v1/auth/users/${rootId}`, {
        companyId: "acme",
      });
      expect(self.body.error).toMatchObject({ code: "own_account" });

      const log = (await events()).filter((e) => e.subjectId === id && e.action === "user.scope_changed");
      expect(log.map((e) => e.detail)).toEqual([
        { before: "other", after: null },
        { before: "acme", after: "other" },
      ]);
    });

    it("the account log names who created and revoked a key, never the key; its query is checked", async () => {
      const made = await h.call<{ id: string; key: string; prefix: string }>("POST", "/api/v1/auth/keys", {
        name: "ledger app",
        role: "read-only",
        companyId: "acme",
      });
      expect(made.status).toBe(201);
      expect((await h.call("DELETE", `/api/v1/auth/keys/${made.body.id}`)).status).toBe(200);
      const log = await h.call<{ items: AuthEvent[] }>(
        "GET",
        `/api/v1/auth/events?subjectId=${made.body.id}`,
      );
      expect(log.body.items.map((e) => [e.action, e.actor, e.subject, e.companyId])).toEqual([
        ["key.revoked", "key:test operator admin", `ledger app (${made.body.prefix}…)`, "acme"],
        ["key.created", "key:test operator admin", `ledger app (${made.body.prefix}…)`, "acme"],
      ]);
      expect(JSON.stringify(await events())).not.toContain(made.body.key.slice(made.body.prefix.length));
      const bad = await h.call<Signed["body"]>("GET", "/api/v1/auth/events?limit=0");
      expect(bad.status).toBe(400);
      expect(bad.body.error?.details?.field).toBe("limit");
      const companies = await h.call<{ items: { id: string; name: string }[] }>(
        "GET",
        "/api/v1/auth/companies",
      );
      expect(companies.body.items).toEqual([
        { id: "acme", name: "Acme Plumbing" },
        { id: "other", name: "Other Co" },
      ]);
    });

    it("logs each account change without a password, hash, key or session token", () => {
      const out = lines.join("");
      for (const msg of [
        "console user created",
        "console user changed",
        "password changed by its user; their other sessions ended",
        "API key created",
        "API key revoked",
      ])
        expect(out).toContain(msg);
      for (const secret of [
        /-(first|second)-pass/,
        /temp-pass/,
        /root-password/,
        /argon2/,
        /llk_[A-Za-z0-9_-]{20}/,
        /lls_[A-Za-z0-9_-]{20}/,
      ])
        expect(out).not.toMatch(secret);
    });
  },
);

describe.each(testDatabases())(
  "guessing the current password ($dialect)",
  { timeout: 120_000 },
  (database) => {
    let h: ApiHarness;
    beforeAll(async () => {
      // Three failures a minute per address; nothing refills during the test.
      h = await startApiHarness(database, {
        rateLimit: { requestsPerMinute: 600, burst: 600, failuresPerMinute: 3 },
      });
    }, 120_000);
    afterAll(() => h?.close());

    it("spends from the address's failure bucket, so a stolen session cannot guess at the full request rate", async () => {
      await h.store.auth.createUser({
        email: "gus@acme.example",
        name: "Gus",
        passwordHash: await hashPassword("gus-first-pass"),
        role: "bookkeeper",
        companyId: "acme",
        at: new Date().toISOString(),
      });
      const res = await h.callAs<{ csrfToken: string }>(null, "POST", "/api/v1/auth/login", {
        email: "gus@acme.example",
        password: "gus-first-pass",
      });
      const headers = { cookie: `ll_session=${sessionOf(res.headers)}`, "x-csrf-token": res.body.csrfToken };
      const attempt = (currentPassword: string) =>
        h.callAs(
          null,
          "POST",
          "/api/v1/auth/password",
          { currentPassword, newPassword: "gus-second-pass" },
          headers,
        );
      const statuses = [];
      for (const guess of ["guess-1", "guess-2", "guess-3"]) statuses.push((await attempt(guess)).status);
      expect(statuses).toEqual([400, 400, 400]);
      const right = await attempt("gus-first-pass");
      expect(right.status).toBe(429);
      expect(right.headers.get("retry-after")).toMatch(/^\d+$/);
      // Nothing changed: Gus's only entry is his creation.
      const gus = await h.store.auth.findUser("gus@acme.example");
      const log = await h.store.auth.listAuthEvents({ limit: 10, subjectId: gus!.id });
      expect(log.map((e) => e.action)).toEqual(["user.created"]);
    });
  },
);
