import { systemClock } from "@ledgerlink/core";
import { testDatabases } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../../test/api-harness.js";
import { ensureFirstAdmin } from "./first-admin.js";

/** `name=value` pairs of the Set-Cookie headers, and their attributes. */
function cookiesOf(headers: Headers): Map<string, { value: string; attrs: string }> {
  const out = new Map<string, { value: string; attrs: string }>();
  for (const line of headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(";");
    const i = pair!.indexOf("=");
    out.set(pair!.slice(0, i).trim(), { value: pair!.slice(i + 1), attrs: attrs.join(";").toLowerCase() });
  }
  return out;
}

describe.each(testDatabases())(
  "sign-in, sessions, CSRF, roles and API keys over HTTP ($dialect)",
  (database) => {
    let h: ApiHarness;
    let admin: { email: string; password: string };
    beforeAll(async () => {
      h = await startApiHarness(database);
      admin = (await ensureFirstAdmin(h.store, systemClock))!;
    }, 60_000);
    afterAll(() => h?.close());

    const login = async (email: string, password: string) => {
      const res = await h.callAs<{ csrfToken: string; user: { role: string; mustChangePassword: boolean } }>(
        null,
        "POST",
        "/api/v1/auth/login",
        {
          email,
          password,
        },
      );
      const cookies = cookiesOf(res.headers);
      const session = cookies.get("ll_session");
      return {
        res,
        cookies,
        headers: (csrf = true): Record<string, string> => ({
          cookie: `ll_session=${session?.value ?? ""}`,
          ...(csrf ? { "x-csrf-token": res.body.csrfToken } : {}),
        }),
      };
    };

    it("makes the first admin once, and signs in with its password only", async () => {
      expect(admin.email).toBe("admin@localhost");
      expect(admin.password.length).toBeGreaterThanOrEqual(20);
      expect(await ensureFirstAdmin(h.store, systemClock)).toBeUndefined();
      const bad = await login(admin.email, `${admin.password}x`);
      expect(bad.res.status).toBe(401);
      expect(JSON.stringify(bad.res.body)).not.toContain(admin.password);
      expect(bad.cookies.size).toBe(0);
      const crossSite = await h.callAs(null, "POST", "/api/v1/auth/login", admin, {
        origin: "https://evil.example",
      });
      expect(crossSite.status).toBe(403);
      const unknown = await login("nobody@example.com", admin.password);
      expect(unknown.res.status).toBe(401);
      expect(unknown.res.body).toEqual(bad.res.body);
      // The generated password was printed where others may read it: the admin chooses their own first.
      const first = await login(admin.email, admin.password);
      expect(first.res.body.user.mustChangePassword).toBe(true);
      const held = await h.callAs(null, "GET", "/api/v1/auth/users", undefined, first.headers(false));
      expect(held.status).toBe(403);
      const own = await h.callAs(
        null,
        "POST",
        "/api/v1/auth/password",
        { currentPassword: admin.password, newPassword: "the-first-admins-own-password" },
        first.headers(),
      );
      expect(own.status).toBe(200);
      admin.password = "the-first-admins-own-password";
      expect((await login(admin.email, admin.password)).res.body.user.mustChangePassword).toBe(false);
    });

    it("sets an httpOnly SameSite session cookie and a CSRF token; state changes need the token", async () => {
      const s = await login(admin.email, admin.password);
      expect(s.res.status).toBe(200);
      const session = s.cookies.get("ll_session")!;
      expect(session.value).toMatch(/^lls_/);
      expect(session.attrs).toContain("httponly");
      expect(session.attrs).toContain("samesite=lax");
      expect(session.attrs).not.toContain("secure"); // plain http on loopback; https sets Secure
      expect(s.cookies.get("ll_csrf")?.attrs).toContain("samesite=strict");

      const me = await h.callAs<{ principal: unknown }>(
        null,
        "GET",
        "/api/v1/auth/me",
        undefined,
        s.headers(false),
      );
      expect(me.status).toBe(200);
      expect(me.body.principal).toMatchObject({
        kind: "session",
        name: admin.email,
        role: "admin",
        companyId: null,
      });

      const path = "/api/v1/companies/acme/customers";
      const rows = [{ id: "c1", displayName: "Csrf Test Co", active: true }];
      const noToken = await h.callAs<{ error: { code: string } }>(null, "POST", path, rows, s.headers(false));
      expect(noToken.status).toBe(403);
      expect(noToken.body.error.code).toBe("csrf_failed");
      const wrongToken = await h.callAs(null, "POST", path, rows, {
        ...s.headers(false),
        "x-csrf-token": "x".repeat(43),
      });
      expect(wrongToken.status).toBe(403);
      const crossSite = await h.callAs(null, "POST", path, rows, {
        ...s.headers(),
        origin: "https://evil.example",
      });
      expect(crossSite.status).toBe(403);
      const customers = () =>
        h.store
          .company("acme")
          .counts()
          .then((c) => JSON.stringify(c));
      const before = await customers();
      expect(await customers()).toBe(before);
      const ok = await h.callAs(null, "POST", path, rows, s.headers());
      expect(ok.status).toBeLessThan(300);
      expect(await customers()).not.toBe(before);
      // The audit names the signed-in user, whatever the actor header claims.
      await h.callAs(
        null,
        "POST",
        "/api/v1/companies/acme/queue/C:c1/hold",
        { reason: "check" },
        {
          ...s.headers(),
          "x-ledgerlink-actor": "someone-else",
        },
      );
      const audit = await h.store.company("acme").listAudit();
      expect(audit.some((a) => JSON.stringify(a).includes(admin.email))).toBe(true);
      expect(audit.some((a) => JSON.stringify(a).includes("someone-else"))).toBe(false);

      const out = await h.callAs(null, "POST", "/api/v1/auth/logout", undefined, s.headers());
      expect(out.status).toBe(200);
      expect((await h.callAs(null, "GET", "/api/v1/auth/me", undefined, s.headers(false))).status).toBe(401);
    });

    it("roles: read-only changes nothing, a bookkeeper cannot touch the connection or keys, admins can", async () => {
      const created = await h.call<{ id: string }>("POST", "/api/v1/auth/users", {
        email: "ro@acme.example",
        name: "Reader",
        password: "reader-password-1",
        role: "read-only",
        companyId: "acme",
      });
      expect(created.status).toBe(201);
      expect(JSON.stringify(created.body)).not.toContain("reader-password-1");
      // An admin chose it: the reader replaces it (the one write a read-only user may make), then reads.
      const temporary = await login("ro@acme.example", "reader-password-1");
      expect(temporary.res.body.user).toMatchObject({ role: "read-only", mustChangePassword: true });
      const replaced = await h.callAs(
        null,
        "POST",
        "/api/v1/auth/password",
        { currentPassword: "reader-password-1", newPassword: "reader-password-2" },
        temporary.headers(),
      );
      expect(replaced.status).toBe(200);
      const ro = await login("ro@acme.example", "reader-password-2");
      expect(ro.res.body.user.role).toBe("read-only");
      expect(
        (await h.callAs(null, "GET", "/api/v1/companies/acme/runs", undefined, ro.headers(false))).status,
      ).toBe(200);
      expect(
        (await h.callAs(null, "GET", "/api/v1/companies/other/runs", undefined, ro.headers(false))).status,
      ).toBe(404);
      const roWrite = await h.callAs(null, "POST", "/api/v1/companies/acme/runs", {}, ro.headers());
      expect(roWrite.status).toBe(403);

      const bookkeeper = await h.newKey("acme", "bookkeeper");
      const asBk = (method: string, path: string, body?: unknown) => h.callAs(bookkeeper, method, path, body);
      expect(
        (
          await asBk("POST", "/api/v1/companies/acme/customers", [
            { id: "bk1", displayName: "Bk Co", active: true },
          ])
        ).status,
      ).toBeLessThan(300);
      expect(
        (await asBk("PUT", "/api/v1/companies/acme/connection", { enabled: false, settings: {} })).status,
      ).toBe(403);
      expect((await asBk("POST", "/api/v1/companies/acme/connection/disconnect")).status).toBe(403);
      expect((await asBk("GET", "/api/v1/auth/keys")).status).toBe(403);
      expect((await asBk("POST", "/api/v1/auth/users", {})).status).toBe(403);
      // A company-scoped admin is still not an operator: keys and users stay out of reach.
      const acmeAdmin = await h.newKey("acme", "admin");
      expect((await h.callAs(acmeAdmin, "GET", "/api/v1/auth/users")).status).toBe(403);
    });

    it("shows a new key once, lists it without the key, and refuses it from the moment it is revoked", async () => {
      const made = await h.call<{ id: string; key: string; prefix: string }>("POST", "/api/v1/auth/keys", {
        name: "billing app",
        role: "bookkeeper",
        companyId: "acme",
      });
      expect(made.status).toBe(201);
      expect(made.body.key).toMatch(/^llk_/);
      const list = await h.call<{ items: { id: string }[] }>("GET", "/api/v1/auth/keys");
      expect(list.body.items.map((k) => k.id)).toContain(made.body.id);
      expect(JSON.stringify(list.body)).not.toContain(made.body.key);
      expect(JSON.stringify(list.body)).not.toContain(h.apiKey);
      expect((await h.callAs(made.body.key, "GET", "/api/v1/companies/acme/runs")).status).toBe(200);
      expect((await h.call("DELETE", `/api/v1/auth/keys/${made.body.id}`)).status).toBe(200);
      const after = await h.callAs<{ error: { code: string } }>(
        made.body.key,
        "GET",
        "/api/v1/companies/acme/runs",
      );
      expect(after.status).toBe(401);
      expect(after.headers.get("www-authenticate")).toContain("Bearer");
      expect(JSON.stringify(after.body)).not.toContain(made.body.key);
      const unknownCompany = await h.call("POST", "/api/v1/auth/keys", { name: "x", companyId: "nope" });
      expect(unknownCompany.status).toBe(400);
      // No key or password anywhere in the audit log either.
      for (const co of ["acme", "other"]) {
        const audit = JSON.stringify(await h.store.company(co).listAudit());
        for (const secret of [
          made.body.key,
          h.apiKey,
          admin.password,
          "reader-password-1",
          "reader-password-2",
        ])
          expect(audit).not.toContain(secret);
      }
    });
  },
);
