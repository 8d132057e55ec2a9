import { randomBytes } from "node:crypto";
import { createEmulator, type Emulator, type EmulatorServer } from "@ledgerlink/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQboClient } from "./qbo-client.js";
import { QboAuthError } from "./qbo-error.js";
import { QboOAuth, emulatorEndpoints, type PendingAuthorization } from "./qbo-oauth.js";
import { select } from "./query-builder.js";
import { tokenKey } from "./token-crypto.js";
import { TokenManager } from "./token-manager.js";
import { InMemoryTokenVault } from "./token-vault.js";

let emulator: Emulator;
let server: EmulatorServer;
let realmId: string;
/** Every call to the emulator's token endpoint, counted on the wire. */
const tokenCalls: string[] = [];
const countingFetch: typeof fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  if (url.includes("/oauth2/v1/tokens/bearer")) tokenCalls.push(url);
  return fetch(input, init);
};

beforeAll(async () => {
  emulator = createEmulator();
  server = await emulator.listen({ host: "127.0.0.1" });
  realmId = emulator.createRealm({ companyName: "OAuth test" }).id;
});
afterAll(async () => {
  await server?.close();
});

function oauthClient() {
  const realm = emulator.realm(realmId);
  return new QboOAuth({
    clientId: emulator.defaultApp.clientId,
    clientSecret: emulator.defaultApp.clientSecret,
    redirectUri: "http://127.0.0.1:9/callback",
    endpoints: emulatorEndpoints(server.url),
    fetch: countingFetch,
    now: () => realm.now(),
  });
}

/** The browser's part: follow the authorize URL to the redirect (the emulator consents at once). */
async function consent(url: string): Promise<string> {
  const u = new URL(url);
  u.searchParams.set("realmId", realmId);
  const res = await fetch(u, { redirect: "manual" });
  expect(res.status).toBe(302);
  return res.headers.get("location")!;
}

async function connect(oauth: QboOAuth) {
  const { url, pending } = await oauth.startAuthorization();
  return oauth.completeAuthorization(await consent(url), pending);
}

function manager(oauth: QboOAuth, vault: InMemoryTokenVault, key = tokenKey(randomBytes(32))) {
  const realm = emulator.realm(realmId);
  return new TokenManager({ vault, oauth, keys: [key], clock: { now: () => realm.now() } });
}

describe("OAuth against the emulator over HTTP", () => {
  it("runs the whole dance: authorize URL with state and PKCE, callback, code exchange, realmId, API call", async () => {
    const oauth = oauthClient();
    const { url, pending } = await oauth.startAuthorization();
    const u = new URL(url);
    expect(u.pathname).toBe("/connect/oauth2");
    expect(u.searchParams.get("scope")).toBe("com.intuit.quickbooks.accounting");
    expect(u.searchParams.get("state")).toBe(pending.state);
    expect(u.searchParams.get("code_challenge_method")).toBe("S256");

    const grant = await oauth.completeAuthorization(await consent(url), pending);
    expect(grant.realmId).toBe(realmId);
    const left = Date.parse(grant.accessTokenExpiresAt) - emulator.realm(realmId).now().getTime();
    expect(Math.abs(left - 3600_000)).toBeLessThan(1000);

    const client = createQboClient({
      baseUrl: server.url,
      realmId,
      getAccessToken: async () => grant.accessToken,
    });
    await expect(client.queryAll(select("Customer"))).resolves.toBeInstanceOf(Array);
  });

  it("refuses a callback whose state is not the session's", async () => {
    const oauth = oauthClient();
    const { url } = await oauth.startAuthorization();
    const forged: PendingAuthorization = { state: "someone-elses-state", codeVerifier: undefined };
    await expect(oauth.completeAuthorization(await consent(url), forged)).rejects.toBeInstanceOf(
      QboAuthError,
    );
  });

  it("refresh race: two workers, one refresh on the wire, both use the rotated token", async () => {
    const oauth = oauthClient();
    const vault = new InMemoryTokenVault();
    const key = tokenKey(randomBytes(32));
    const w1 = manager(oauth, vault, key);
    const w2 = manager(oauth, vault, key);
    await w1.connect("co-race", await connect(oauth));
    emulator.realm(realmId).advanceClock(3600_000); // the access token has expired
    tokenCalls.length = 0;

    const c1 = createQboClient({
      baseUrl: server.url,
      realmId,
      getAccessToken: w1.accessTokenFor("co-race"),
    });
    const c2 = createQboClient({
      baseUrl: server.url,
      realmId,
      getAccessToken: w2.accessTokenFor("co-race"),
    });
    const [a, b] = await Promise.all([c1.queryAll(select("Customer")), c2.queryAll(select("Customer"))]);
    expect(a).toEqual(b);
    expect(tokenCalls).toHaveLength(1);
    expect(await w1.getAccessToken("co-race")).toBe(await w2.getAccessToken("co-race"));
  });

  it("a revoked grant → needs reconnect with the reason; reconnecting resumes; disconnect revokes", async () => {
    const oauth = oauthClient();
    const vault = new InMemoryTokenVault();
    const m = manager(oauth, vault);
    await m.connect("co-rev", await connect(oauth));
    const client = createQboClient({
      baseUrl: server.url,
      realmId,
      getAccessToken: m.accessTokenFor("co-rev"),
    });
    await client.createCustomer({ DisplayName: "Before revoke" }, { requestId: "oauth-before-g1" });

    emulator.realm(realmId).revokeTokens();
    // QBO answers 401; the client forces one refresh; Intuit answers invalid_grant.
    const err = await client
      .createCustomer({ DisplayName: "During revoke" }, { requestId: "oauth-during-g1" })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "QboAuthError", reason: "needs-reconnect", category: "auth" });
    const status = await m.status("co-rev");
    expect(status.state).toBe("needs-reconnect");
    expect(status.reason).toMatch(/invalid_grant/);

    await m.connect("co-rev", await connect(oauth));
    expect((await m.status("co-rev")).state).toBe("connected");
    // The queued write goes through on resume, once.
    await client.createCustomer({ DisplayName: "During revoke" }, { requestId: "oauth-during-g1" });
    const found = await client.queryAll(select("Customer").where("DisplayName", "=", "During revoke"));
    expect(found).toHaveLength(1);

    expect(await m.disconnect("co-rev")).toEqual({ revoked: true });
    const after = createQboClient({
      baseUrl: server.url,
      realmId,
      getAccessToken: async () => "stale-token",
      retry: false,
    });
    await expect(after.queryAll(select("Customer"))).rejects.toMatchObject({
      name: "QboAuthError",
      status: 401,
    });
  });

  it("an expired refresh token → needs reconnect without calling Intuit", async () => {
    const oauth = oauthClient();
    const m = manager(oauth, new InMemoryTokenVault());
    await m.connect("co-exp", await connect(oauth));
    emulator.realm(realmId).advanceClock(8_726_400_000 + 1000);
    tokenCalls.length = 0;
    await expect(m.getAccessToken("co-exp")).rejects.toMatchObject({
      reason: "needs-reconnect",
      code: "refresh-token-expired",
    });
    expect(tokenCalls).toHaveLength(0);
  });
});
