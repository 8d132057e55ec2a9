import { systemClock } from "@ledgerlink/core";
import { openToken, tokenKey } from "@ledgerlink/qbo";
import { testDatabases, type TestDatabase } from "@ledgerlink/store";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../../test/api-harness.js";
import { loadConfig } from "../config.js";
import { ConnectionService, emulatorApp } from "../connection-service.js";
import { createLogger } from "../logger.js";
import { hashPassword } from "./passwords.js";

const keyA = Buffer.alloc(32, 7).toString("base64"); // the harness's key
const keyB = Buffer.alloc(32, 42).toString("base64");

function cookieHeader(headers: Headers, jar: Map<string, string>): Record<string, string> {
  for (const line of headers.getSetCookie()) {
    const [pair] = line.split(";");
    const i = pair!.indexOf("=");
    jar.set(pair!.slice(0, i), pair!.slice(i + 1));
  }
  return { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") };
}

describe.each(testDatabases())(
  "OAuth state, key rotation and secrets in logs ($dialect)",
  (database: TestDatabase) => {
    let h: ApiHarness;
    const lines: string[] = [];
    /** Secret values met along the way (OAuth tokens), grepped for in the log at the end. */
    const secrets: string[] = [];
    let emulatorOrigin = "";
    const people = {
      ann: { email: "ann@acme.example", password: "ann-password-123" },
      bob: { email: "bob@acme.example", password: "bob-password-456" },
    };
    beforeAll(async () => {
      const destination = new Writable({
        write(chunk: Buffer, _e, done) {
          lines.push(chunk.toString("utf8"));
          done();
        },
      });
      h = await startApiHarness(database, { logger: createLogger({ level: "debug", destination }) });
      for (const p of Object.values(people))
        await h.store.auth.createUser({
          email: p.email,
          name: p.email,
          passwordHash: await hashPassword(p.password),
          role: "admin",
          companyId: null,
          at: new Date().toISOString(),
        });
    }, 60_000);
    afterAll(() => h?.close());

    /** Signs in; returns the browser's cookie jar and CSRF header. */
    async function signIn(who: { email: string; password: string }) {
      const jar = new Map<string, string>();
      const res = await h.callAs<{ csrfToken: string }>(null, "POST", "/api/v1/auth/login", who);
      expect(res.status).toBe(200);
      cookieHeader(res.headers, jar);
      return { jar, csrf: res.body.csrfToken };
    }
    /** Presses Connect as `who` and lets the emulator's consent page answer: the callback URL. */
    async function consent(session: { jar: Map<string, string>; csrf: string }) {
      const res = await h.callAs<{ authorizeUrl: string }>(
        null,
        "POST",
        "/api/v1/companies/acme/connection/connect",
        undefined,
        { ...cookieHeader(new Headers(), session.jar), "x-csrf-token": session.csrf },
      );
      expect(res.status).toBe(200);
      emulatorOrigin = new URL(res.body.authorizeUrl).origin;
      // PKCE: the authorize request carries an S256 challenge (the emulator checks the verifier).
      expect(new URL(res.body.authorizeUrl).searchParams.get("code_challenge_method")).toBe("S256");
      cookieHeader(res.headers, session.jar); // the browser nonce cookie
      const back = await fetch(res.body.authorizeUrl, { redirect: "manual" });
      const location = new URL(back.headers.get("location")!);
      expect(location.searchParams.get("state")).toBeTruthy();
      return `${location.pathname}${location.search}`;
    }
    const callback = (path: string, jar: Map<string, string> | null) =>
      h.callAs<{ error?: { code: string } }>(
        null,
        "GET",
        path,
        undefined,
        jar ? cookieHeader(new Headers(), jar) : {},
      );

    it("binds the state to the signed-in user, uses it once, and asks for PKCE", async () => {
      const ann = await signIn(people.ann);
      const bob = await signIn(people.bob);

      // Bob, in Ann's browser (her nonce cookie, his session), cannot finish Ann's authorization.
      const annsCallback = await consent(ann);
      const borrowed = new Map(bob.jar);
      borrowed.set("ll_oauth_session", ann.jar.get("ll_oauth_session")!);
      const stolen = await callback(annsCallback, borrowed);
      expect(stolen.status).toBe(400);
      expect(stolen.body.error?.code).toBe("invalid_state");
      // And the state is gone: Ann must press Connect again (fail closed).
      expect((await callback(annsCallback, ann.jar)).status).toBe(400);
      // Nobody signed in: refused before anything is looked up.
      expect((await callback(await consent(ann), null)).status).toBe(401);

      const fresh = await consent(ann);
      expect(new URL(`http://x${fresh}`).searchParams.get("code")).toBeTruthy();
      const done = await callback(fresh, ann.jar);
      // The callback redirects to the console (fetch follows it): connected.
      expect(done.status).toBe(200);
      expect((await h.store.connections.get("acme"))?.realmId).toBe(h.emu.defaultRealmId);
      const replay = await callback(fresh, ann.jar);
      expect(replay.status).toBe(400);
      expect(replay.body.error?.code).toBe("invalid_state");
    });

    it("refuses to connect a second company to a QuickBooks company already connected", async () => {
      const ann = await signIn(people.ann);
      const res = await h.callAs<{ authorizeUrl: string }>(
        null,
        "POST",
        "/api/v1/companies/other/connection/connect",
        undefined,
        { ...cookieHeader(new Headers(), ann.jar), "x-csrf-token": ann.csrf },
      );
      cookieHeader(res.headers, ann.jar);
      const back = await fetch(res.body.authorizeUrl, { redirect: "manual" });
      const location = new URL(back.headers.get("location")!);
      const answer = await callback(`${location.pathname}${location.search}`, ann.jar);
      expect(answer.status).toBe(409);
      expect(answer.body.error?.code).toBe("realm_already_connected");
      expect((await h.store.connections.get("other"))?.realmId ?? null).toBeNull();
    });

    it("opens grants sealed with a retired key, re-seals them under the new one, and keeps no token in the clear", async () => {
      const service = (env: Record<string, string>) =>
        new ConnectionService({
          store: h.store,
          config: loadConfig({ LEDGERLINK_COMPANY: "acme", QBO_BASE_URL: emulatorOrigin, ...env }),
          clock: systemClock,
        });
      const before = (await h.store.connections.load("acme"))!.sealedGrant!;
      expect(before.split(".")[1]).toBe(tokenKey(keyA).id);
      const rotated = service({ LEDGERLINK_TOKEN_KEY: keyB, LEDGERLINK_TOKEN_KEYS_RETIRED: keyA });
      // Before re-sealing, the retired key still opens the grant: QBO answers.
      expect((await (await rotated.clientFor("acme")).readCompanyInfo()).CompanyName).toBeTruthy();
      expect(await rotated.resealGrants()).toBe(1);
      expect(await rotated.resealGrants()).toBe(0);
      const after = (await h.store.connections.load("acme"))!.sealedGrant!;
      expect(after.split(".")[1]).toBe(tokenKey(keyB).id);
      // The new key alone now suffices; the old one alone opens nothing.
      expect(() => openToken(after, [tokenKey(keyA)], "acme")).toThrow(/not configured/);
      const grant = JSON.parse(openToken(after, [tokenKey(keyB)], "acme")) as Record<string, unknown>;
      const onlyNew = service({ LEDGERLINK_TOKEN_KEY: keyB });
      expect((await (await onlyNew.clientFor("acme")).readCompanyInfo()).CompanyName).toBeTruthy();
      // Sealed under another company's name, it does not open (the company id is bound in).
      expect(() => openToken(after, [tokenKey(keyB)], "other")).toThrow(/failed authentication/);
      const tokens = Object.values(grant).filter((v): v is string => typeof v === "string" && v.length > 20);
      expect(tokens.length).toBeGreaterThanOrEqual(2);
      for (const t of tokens) expect(after).not.toContain(t);
      secrets.push(...tokens);
      // A retired key with a typo is refused at start-up, without echoing it.
      expect(() => loadConfig({ LEDGERLINK_TOKEN_KEYS_RETIRED: "not-a-key" })).toThrow(
        /key 1 is not 32 bytes/,
      );
    });

    it("never writes a password, key, token or client secret to the log", async () => {
      // Some things that are logged happen: failed and good sign-ins, a key made and revoked.
      await h.callAs(null, "POST", "/api/v1/auth/login", { ...people.ann, password: "wrong-password-xyz" });
      const made = await h.call<{ id: string; key: string }>("POST", "/api/v1/auth/keys", {
        name: "log test",
      });
      await h.call("DELETE", `/api/v1/auth/keys/${made.body.id}`);
      await h.callAs(made.body.key, "GET", "/api/v1/companies/acme/runs");
      const out = lines.join("");
      expect(out).toContain("console login");
      expect(out).toContain("API key created");
      for (const secret of [
        ...secrets,
        people.ann.password,
        people.bob.password,
        "wrong-password-xyz",
        h.apiKey,
        made.body.key,
        emulatorApp.clientSecret,
        keyA,
        keyB,
      ])
        expect(out).not.toContain(secret);
      expect(out).not.toMatch(/lls_[A-Za-z0-9_-]{20}/);
    });
  },
);
