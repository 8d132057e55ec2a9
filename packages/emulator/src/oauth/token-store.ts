import { createHash, randomBytes } from "node:crypto";

/** QBO's lifetimes, in emulated seconds. */
export const ACCESS_TOKEN_SECONDS = 3600;
export const REFRESH_TOKEN_SECONDS = 8_726_400;
/** A superseded refresh token keeps working this long after a newer one was issued. */
export const ROTATED_REFRESH_GRACE_SECONDS = 24 * 3600;
export const AUTHORIZATION_CODE_SECONDS = 300;

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: "bearer";
  expires_in: number;
  x_refresh_token_expires_in: number;
}

interface Grant {
  realmId: string;
  clientId: string;
  revoked: boolean;
}

interface AccessToken {
  grant: Grant;
  expiresAtMs: number;
}

interface RefreshToken {
  grant: Grant;
  expiresAtMs: number;
  supersededAtMs: number | undefined;
}

interface AuthorizationCode {
  realmId: string;
  clientId: string;
  redirectUri: string;
  expiresAtMs: number;
  /** PKCE (RFC 7636): the S256 challenge sent to authorize; the token request must prove it. */
  codeChallenge: string | undefined;
}

/** BASE64URL(SHA256(verifier)), the S256 transform of RFC 7636. */
const s256 = (verifier: string): string => createHash("sha256").update(verifier, "ascii").digest("base64url");

export type AccessCheck =
  { ok: true; realmId: string } | { ok: false; reason: "unknown" | "expired" | "revoked" };

const token = (prefix: string): string => `${prefix}${randomBytes(24).toString("base64url")}`;

/** Tokens, refresh tokens and authorization codes for every realm; time comes from the caller. */
export class TokenStore {
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly grants = new Set<Grant>();

  /** Starts a new grant (a new connection) and returns its first token pair. */
  issue(realmId: string, clientId: string, nowMs: number): TokenPair {
    const grant: Grant = { realmId, clientId, revoked: false };
    this.grants.add(grant);
    return this.pair(grant, nowMs, nowMs + REFRESH_TOKEN_SECONDS * 1000);
  }

  private pair(grant: Grant, nowMs: number, refreshExpiresAtMs: number): TokenPair {
    const accessToken = token("eyJlbXUiOiJhY2Nlc3MifQ.");
    const refreshToken = token("RT1-emu-");
    this.access.set(accessToken, { grant, expiresAtMs: nowMs + ACCESS_TOKEN_SECONDS * 1000 });
    this.refresh.set(refreshToken, { grant, expiresAtMs: refreshExpiresAtMs, supersededAtMs: undefined });
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: "bearer",
      expires_in: ACCESS_TOKEN_SECONDS,
      x_refresh_token_expires_in: Math.max(0, Math.floor((refreshExpiresAtMs - nowMs) / 1000)),
    };
  }

  checkAccess(accessToken: string, nowMs: number): AccessCheck {
    const t = this.access.get(accessToken);
    if (!t) return { ok: false, reason: "unknown" };
    if (t.grant.revoked) return { ok: false, reason: "revoked" };
    if (nowMs >= t.expiresAtMs) return { ok: false, reason: "expired" };
    return { ok: true, realmId: t.grant.realmId };
  }

  /** The realm a refresh token belongs to (so the caller can read that realm's clock). */
  realmOfRefreshToken(refreshToken: string): string | undefined {
    return this.refresh.get(refreshToken)?.grant.realmId;
  }

  /**
   * Rotates a refresh token. The old one keeps working for 24 h after its first rotation, then
   * `invalid_grant`, as with Intuit.
   */
  rotate(refreshToken: string, clientId: string, nowMs: number): TokenPair | "invalid_grant" {
    const t = this.refresh.get(refreshToken);
    if (!t || t.grant.revoked || t.grant.clientId !== clientId) return "invalid_grant";
    if (nowMs >= t.expiresAtMs) return "invalid_grant";
    if (t.supersededAtMs !== undefined && nowMs >= t.supersededAtMs + ROTATED_REFRESH_GRACE_SECONDS * 1000)
      return "invalid_grant";
    t.supersededAtMs ??= nowMs;
    return this.pair(t.grant, nowMs, t.expiresAtMs);
  }

  issueCode(
    realmId: string,
    clientId: string,
    redirectUri: string,
    nowMs: number,
    codeChallenge?: string,
  ): string {
    const code = token("AB11-emu-");
    this.codes.set(code, {
      realmId,
      clientId,
      redirectUri,
      expiresAtMs: nowMs + AUTHORIZATION_CODE_SECONDS * 1000,
      codeChallenge,
    });
    return code;
  }

  realmOfCode(code: string): string | undefined {
    return this.codes.get(code)?.realmId;
  }

  /** Exchanges a one-time authorization code for a token pair. */
  redeemCode(
    code: string,
    clientId: string,
    redirectUri: string,
    nowMs: number,
    codeVerifier?: string,
  ): TokenPair | "invalid_grant" {
    const c = this.codes.get(code);
    this.codes.delete(code);
    if (!c || c.clientId !== clientId || c.redirectUri !== redirectUri || nowMs >= c.expiresAtMs)
      return "invalid_grant";
    // A code stolen on its way back (a leaked redirect) is useless without the verifier.
    if (
      c.codeChallenge !== undefined &&
      (codeVerifier === undefined || s256(codeVerifier) !== c.codeChallenge)
    )
      return "invalid_grant";
    return this.issue(c.realmId, clientId, nowMs);
  }

  /** Revokes the grant behind an access or refresh token; true when the token was known. */
  revoke(anyToken: string): boolean {
    const grant = this.access.get(anyToken)?.grant ?? this.refresh.get(anyToken)?.grant;
    if (!grant) return false;
    grant.revoked = true;
    return true;
  }

  /** Revokes every grant of a realm (fault injection: "token revoked"). */
  revokeRealm(realmId: string): void {
    for (const g of this.grants) if (g.realmId === realmId) g.revoked = true;
  }

  clear(): void {
    this.access.clear();
    this.refresh.clear();
    this.codes.clear();
    this.grants.clear();
  }
}
