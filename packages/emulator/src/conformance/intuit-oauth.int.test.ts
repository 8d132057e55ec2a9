import { afterAll, beforeAll, describe, expect, it } from "vitest";
// Intuit's official OAuth client, unmodified; only its endpoint URLs are pointed at the emulator.
import OAuthClient from "intuit-oauth";
import { createEmulator, type EmulatorServer } from "@ledgerlink/emulator";

const emu = createEmulator();
let server: EmulatorServer;
const redirectUri = "http://127.0.0.1:9/callback";

function client(): OAuthClient {
  const c = new OAuthClient({
    clientId: emu.defaultApp.clientId,
    clientSecret: emu.defaultApp.clientSecret,
    environment: "sandbox",
    redirectUri,
  });
  c.setAuthorizeURLs({
    authorizeEndpoint: `${server.url}/connect/oauth2`,
    tokenEndpoint: `${server.url}/oauth2/v1/tokens/bearer`,
    revokeEndpoint: `${server.url}/v2/oauth2/tokens/revoke`,
    userInfoEndpoint: `${server.url}/v1/openid_connect/userinfo`,
  });
  return c;
}

/** Follows the auto-consent redirect like a browser would, returning the callback URL. */
async function consent(c: OAuthClient, state: string): Promise<string> {
  const uri = c.authorizeUri({ scope: [OAuthClient.scopes.Accounting], state });
  const res = await fetch(uri, { redirect: "manual" });
  expect(res.status).toBe(302);
  return res.headers.get("location")!;
}

/** intuit-oauth rejects with an Error whose `error` is the OAuth error code. */
const oauthError = (e: unknown): unknown => (e as { error?: unknown }).error;

async function apiStatus(accessToken: string): Promise<number> {
  const res = await fetch(
    `${server.url}/v3/company/${emu.defaultRealmId}/query?query=select%20*%20from%20Customer`,
    {
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
    },
  );
  return res.status;
}

beforeAll(async () => {
  server = await emu.listen({ port: 0 });
});
afterAll(() => server.close());

describe("intuit-oauth against the emulator", () => {
  it("completes the authorization-code flow: code, state and realmId come back, tokens work", async () => {
    const c = client();
    const callback = await consent(c, "st-123");
    const params = new URL(callback).searchParams;
    expect(params.get("state")).toBe("st-123");
    expect(params.get("realmId")).toBe(emu.defaultRealmId);
    expect(params.get("code")).toBeTruthy();

    const auth = await c.createToken(callback);
    const t = auth.getJson();
    expect(t).toMatchObject({ token_type: "bearer", expires_in: 3600, x_refresh_token_expires_in: 8726400 });
    expect(c.getToken().realmId).toBe(emu.defaultRealmId);
    expect(await apiStatus(t.access_token)).toBe(200);

    // A code is single-use.
    const again = await c.createToken(callback).catch((e: unknown) => e);
    expect(oauthError(again)).toBe("invalid_grant");
  });

  it("expires access tokens after 3600 s of emulated time, refreshes, and kills a rotated refresh token 24 h later", async () => {
    const c = client();
    const first = (await c.createToken(await consent(c, "st-2"))).getJson();
    const realm = emu.realm(emu.defaultRealmId);

    realm.advanceClock(3601 * 1000);
    expect(await apiStatus(first.access_token)).toBe(401);

    const refreshed = (await c.refresh()).getJson();
    expect(refreshed.refresh_token).not.toBe(first.refresh_token);
    expect(await apiStatus(refreshed.access_token)).toBe(200);

    // The superseded refresh token still works within 24 h of its rotation...
    realm.advanceClock(23 * 3600 * 1000);
    await expect(c.refreshUsingToken(first.refresh_token)).resolves.toBeTruthy();
    // ...and is invalid_grant after.
    realm.advanceClock(2 * 3600 * 1000);
    const dead = await c.refreshUsingToken(first.refresh_token).catch((e: unknown) => e);
    expect(dead).toBeInstanceOf(Error);
    expect(oauthError(dead)).toBe("invalid_grant");
  });

  it("revokes: the access token stops working and the refresh token is invalid_grant", async () => {
    const c = client();
    const t = (await c.createToken(await consent(c, "st-3"))).getJson();
    await c.revoke({ refresh_token: t.refresh_token });
    expect(await apiStatus(t.access_token)).toBe(401);
    const dead = await c.refreshUsingToken(t.refresh_token).catch((e: unknown) => e);
    expect(oauthError(dead)).toBe("invalid_grant");
  });

  it("refuses a wrong client secret with invalid_client and a non-loopback redirect URI", async () => {
    const res = await fetch(`${server.url}/oauth2/v1/tokens/bearer`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${emu.defaultApp.clientId}:wrong`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=refresh_token&refresh_token=x",
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "invalid_client" });
    const page = await fetch(
      `${server.url}/connect/oauth2?client_id=${emu.defaultApp.clientId}&response_type=code&scope=com.intuit.quickbooks.accounting&redirect_uri=${encodeURIComponent("https://evil.example/cb")}`,
      { redirect: "manual" },
    );
    expect(page.status).toBe(400);
  });
});
