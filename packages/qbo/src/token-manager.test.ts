import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { QboGrant, RefreshedTokens } from "./qbo-oauth.js";
import { QboAuthError } from "./qbo-error.js";
import { tokenKey } from "./token-crypto.js";
import { TokenManager, type TokenEvent } from "./token-manager.js";
import { InMemoryTokenVault } from "./token-vault.js";

const key = tokenKey(randomBytes(32));
const HOUR = 3600_000;

/** A stand-in for Intuit's token endpoint that rotates refresh tokens like QBO. */
class FakeIntuit {
  refreshCalls: string[] = [];
  revoked: string[] = [];
  live = new Set<string>(["RT0"]);
  n = 0;
  constructor(private readonly now: () => number) {}
  async refresh(rt: string): Promise<RefreshedTokens> {
    this.refreshCalls.push(rt);
    await new Promise((r) => setTimeout(r, 5)); // a real round trip's worth of interleaving
    if (!this.live.has(rt))
      throw new QboAuthError({
        message: "invalid_grant",
        code: "invalid_grant",
        status: 400,
        reason: "needs-reconnect",
      });
    this.n++;
    this.live.add(`RT${this.n}`);
    return {
      accessToken: `AT${this.n}`,
      accessTokenExpiresAt: new Date(this.now() + HOUR).toISOString(),
      refreshToken: `RT${this.n}`,
      refreshTokenExpiresAt: new Date(this.now() + 100 * 24 * HOUR).toISOString(),
    };
  }
  async revoke(t: string): Promise<void> {
    this.revoked.push(t);
    this.live.clear();
  }
}

function setup() {
  let now = Date.parse("2025-06-01T00:00:00Z");
  const clock = { now: () => new Date(now) };
  const intuit = new FakeIntuit(() => now);
  const vault = new InMemoryTokenVault();
  const events: TokenEvent[] = [];
  const make = () =>
    new TokenManager({ vault, oauth: intuit, keys: [key], clock, onEvent: (e) => events.push(e) });
  const grant: QboGrant = {
    realmId: "123",
    accessToken: "AT0",
    accessTokenExpiresAt: new Date(now + HOUR).toISOString(),
    refreshToken: "RT0",
    refreshTokenExpiresAt: new Date(now + 100 * 24 * HOUR).toISOString(),
  };
  return { advance: (ms: number) => (now += ms), intuit, vault, events, make, grant };
}

describe("TokenManager", () => {
  it("stores the grant sealed and serves the access token until it is near expiry", async () => {
    const t = setup();
    const m = t.make();
    await m.connect("co1", t.grant);
    const rec = await t.vault.load("co1");
    expect(rec?.sealedGrant).not.toContain("RT0");
    expect(await m.getAccessToken("co1")).toBe("AT0");
    t.advance(56 * 60_000); // 4 minutes left: inside the 5-minute margin
    expect(await m.getAccessToken("co1")).toBe("AT1");
    expect(t.intuit.refreshCalls).toEqual(["RT0"]);
    expect(await m.status("co1")).toMatchObject({
      state: "connected",
      realmId: "123",
      refreshTokenExpiresSoon: false,
    });
  });

  it("lets one of two racing workers refresh; the other uses the rotated token", async () => {
    const t = setup();
    const w1 = t.make();
    const w2 = t.make();
    await w1.connect("co1", t.grant);
    t.advance(HOUR);
    const tokens = await Promise.all([
      w1.getAccessToken("co1"),
      w2.getAccessToken("co1"),
      w1.getAccessToken("co1"),
    ]);
    expect(tokens).toEqual(["AT1", "AT1", "AT1"]);
    expect(t.intuit.refreshCalls).toEqual(["RT0"]);
  });

  it("forces a refresh after a 401, but not twice when another worker already did", async () => {
    const t = setup();
    const m = t.make();
    await m.connect("co1", t.grant);
    expect(await m.accessTokenFor("co1")({ forceRefresh: true })).toBe("AT1");
    expect(t.intuit.refreshCalls).toEqual(["RT0"]);
  });

  it("turns invalid_grant into needs-reconnect, fails fast after, and resumes on reconnect", async () => {
    const t = setup();
    const m = t.make();
    await m.connect("co1", t.grant);
    t.intuit.live.clear(); // revoked at Intuit
    t.advance(HOUR);
    const err = await m.getAccessToken("co1").catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "QboAuthError", reason: "needs-reconnect", category: "auth" });
    expect(await m.status("co1")).toMatchObject({
      state: "needs-reconnect",
      reason: expect.stringContaining("invalid_grant"),
    });
    expect(t.events.map((e) => e.type)).toContain("needs-reconnect");
    await expect(m.getAccessToken("co1")).rejects.toMatchObject({ reason: "needs-reconnect" });
    expect(t.intuit.refreshCalls).toHaveLength(1); // no hammering of a dead grant

    t.intuit.live.add("RT-new");
    await m.connect("co1", {
      ...t.grant,
      accessToken: "AT-new",
      refreshToken: "RT-new",
      accessTokenExpiresAt: new Date(Date.parse(t.grant.accessTokenExpiresAt) + 2 * HOUR).toISOString(),
    });
    expect(await m.getAccessToken("co1")).toBe("AT-new");
    expect((await m.status("co1")).state).toBe("connected");
  });

  it("warns ahead of the refresh token's expiry and reports an expired one", async () => {
    const t = setup();
    const m = t.make();
    await m.connect("co1", t.grant);
    t.advance(90 * 24 * HOUR); // 10 days left
    await m.getAccessToken("co1");
    expect(t.events.filter((e) => e.type === "refresh-token-expiring")).toHaveLength(1);
    expect((await m.status("co1")).refreshTokenExpiresSoon).toBe(false); // the refresh renewed it in this fake
    const t2 = setup();
    const m2 = t2.make();
    await m2.connect("co1", t2.grant);
    t2.advance(101 * 24 * HOUR);
    await expect(m2.getAccessToken("co1")).rejects.toMatchObject({ code: "refresh-token-expired" });
    expect((await m2.status("co1")).state).toBe("needs-reconnect");
  });

  it("disconnect revokes at Intuit and forgets the grant", async () => {
    const t = setup();
    const m = t.make();
    await m.connect("co1", t.grant);
    expect(await m.disconnect("co1")).toEqual({ revoked: true });
    expect(t.intuit.revoked).toEqual(["RT0"]);
    expect(await m.status("co1")).toMatchObject({ state: "not-connected" });
  });
});
