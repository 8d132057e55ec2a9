import { describe, expect, it } from "vitest";
import { TokenStore } from "./token-store.js";

const HOUR = 3600_000;

describe("TokenStore", () => {
  it("expires access tokens after 3600 s", () => {
    const store = new TokenStore();
    const pair = store.issue("r1", "app", 0);
    expect(store.checkAccess(pair.access_token, 3599_999)).toEqual({ ok: true, realmId: "r1" });
    expect(store.checkAccess(pair.access_token, 3600_000)).toEqual({ ok: false, reason: "expired" });
    expect(store.checkAccess("nope", 0)).toEqual({ ok: false, reason: "unknown" });
  });

  it("keeps a rotated refresh token for 24 h after its first rotation, then invalid_grant", () => {
    const store = new TokenStore();
    const first = store.issue("r1", "app", 0);
    const second = store.rotate(first.refresh_token, "app", HOUR);
    expect(second).not.toBe("invalid_grant");
    expect(store.rotate(first.refresh_token, "app", HOUR + 23 * HOUR)).not.toBe("invalid_grant");
    expect(store.rotate(first.refresh_token, "app", HOUR + 24 * HOUR)).toBe("invalid_grant");
    // The refresh token's absolute lifetime carries over to its successors.
    if (second === "invalid_grant") throw new Error("unreachable");
    expect(second.x_refresh_token_expires_in).toBe(8_726_400 - 3600);
  });

  it("refuses another client's refresh token and anything after revocation", () => {
    const store = new TokenStore();
    const pair = store.issue("r1", "app", 0);
    expect(store.rotate(pair.refresh_token, "other-app", 0)).toBe("invalid_grant");
    expect(store.revoke(pair.access_token)).toBe(true);
    expect(store.rotate(pair.refresh_token, "app", 0)).toBe("invalid_grant");
    expect(store.checkAccess(pair.access_token, 0)).toEqual({ ok: false, reason: "revoked" });
  });

  it("redeems an authorization code once, for the same redirect URI, within 5 minutes", () => {
    const store = new TokenStore();
    const code = store.issueCode("r1", "app", "http://127.0.0.1/cb", 0);
    expect(store.redeemCode(code, "app", "http://127.0.0.1/other", 0)).toBe("invalid_grant");
    const late = store.issueCode("r1", "app", "http://127.0.0.1/cb", 0);
    expect(store.redeemCode(late, "app", "http://127.0.0.1/cb", 300_000)).toBe("invalid_grant");
    const ok = store.issueCode("r1", "app", "http://127.0.0.1/cb", 0);
    expect(store.redeemCode(ok, "app", "http://127.0.0.1/cb", 1000)).toMatchObject({ token_type: "bearer" });
    expect(store.redeemCode(ok, "app", "http://127.0.0.1/cb", 1000)).toBe("invalid_grant");
  });

  it("holds a code issued with a PKCE challenge to its verifier (S256)", () => {
    const store = new TokenStore();
    const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; // RFC 7636, appendix B
    const stolen = store.issueCode("r1", "app", "http://127.0.0.1/cb", 0, challenge);
    expect(store.redeemCode(stolen, "app", "http://127.0.0.1/cb", 1000)).toBe("invalid_grant");
    const wrong = store.issueCode("r1", "app", "http://127.0.0.1/cb", 0, challenge);
    expect(store.redeemCode(wrong, "app", "http://127.0.0.1/cb", 1000, `${verifier}x`)).toBe("invalid_grant");
    const right = store.issueCode("r1", "app", "http://127.0.0.1/cb", 0, challenge);
    expect(store.redeemCode(right, "app", "http://127.0.0.1/cb", 1000, verifier)).toMatchObject({
      token_type: "bearer",
    });
  });
});
