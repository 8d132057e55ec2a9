import * as oauth from "oauth4webapi";
import { QboAuthError, QboError, QboNetworkError, QboUnexpectedResponseError } from "./qbo-error.js";

/** Where a QBO environment lives: its OAuth endpoints and its API host. */
export interface QboEndpoints {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  /** Base for createQboClient's `baseUrl`. */
  apiBaseUrl: string;
}

const intuitOAuth = {
  issuer: "https://oauth.platform.intuit.com/op/v1",
  authorizationEndpoint: "https://appcenter.intuit.com/connect/oauth2",
  tokenEndpoint: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
  revocationEndpoint: "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
};

export const qboProduction: QboEndpoints = {
  ...intuitOAuth,
  apiBaseUrl: "https://quickbooks.api.intuit.com",
};
/** Sandbox companies share Intuit's OAuth endpoints; only the API host differs. */
export const qboSandbox: QboEndpoints = {
  ...intuitOAuth,
  apiBaseUrl: "https://sandbox-quickbooks.api.intuit.com",
};

/** The emulator serves Intuit's paths under its own origin. */
export function emulatorEndpoints(url: string): QboEndpoints {
  const base = url.replace(/\/+$/, "");
  return {
    issuer: base,
    authorizationEndpoint: `${base}/connect/oauth2`,
    tokenEndpoint: `${base}/oauth2/v1/tokens/bearer`,
    revocationEndpoint: `${base}/v2/oauth2/tokens/revoke`,
    apiBaseUrl: base,
  };
}

export const QBO_ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting";

export interface QboOAuthConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  endpoints: QboEndpoints;
  scope?: string;
  /** PKCE on by default; a provider that ignores it loses nothing. */
  pkce?: boolean;
  fetch?: typeof fetch;
  now?: () => Date;
}

/** What the caller keeps in the user's session between redirect and callback. */
export interface PendingAuthorization {
  state: string;
  codeVerifier: string | undefined;
}

/** A connection's tokens with absolute expiry times. */
export interface QboGrant {
  realmId: string;
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

export type RefreshedTokens = Omit<QboGrant, "realmId">;

/**
 * QBO's OAuth 2.0 authorization-code flow through oauth4webapi: no hand-written token exchange.
 * Failures become QboErrors: `invalid_grant` (and a revoked or unknown token) is QboAuthError
 * "needs-reconnect", a network failure is QboNetworkError (transient, worth a retry).
 */
export class QboOAuth {
  private readonly as: oauth.AuthorizationServer;
  private readonly client: oauth.Client;
  private readonly auth: oauth.ClientAuth;
  private readonly opts: oauth.HttpRequestOptions<"POST", URLSearchParams>;
  private readonly now: () => Date;

  constructor(private readonly c: QboOAuthConfig) {
    for (const k of ["clientId", "clientSecret", "redirectUri"] as const) {
      if (!c[k])
        throw new QboAuthError({
          message: `OAuth config: ${k} is required`,
          element: k,
          reason: "needs-reconnect",
        });
    }
    const e = c.endpoints;
    this.as = {
      issuer: e.issuer,
      authorization_endpoint: e.authorizationEndpoint,
      token_endpoint: e.tokenEndpoint,
      revocation_endpoint: e.revocationEndpoint,
    };
    this.client = { client_id: c.clientId };
    this.auth = intuitBasicAuth(c.clientSecret);
    const insecure = [e.tokenEndpoint, e.revocationEndpoint].some((u) => new URL(u).protocol === "http:");
    if (insecure && ![e.tokenEndpoint, e.revocationEndpoint].every(isLoopback)) {
      throw new QboAuthError({
        message: "OAuth endpoints may use plain http only on loopback (the emulator)",
        reason: "needs-reconnect",
      });
    }
    this.opts = {
      ...(c.fetch ? { [oauth.customFetch]: c.fetch } : {}),
      ...(insecure ? { [oauth.allowInsecureRequests]: true } : {}),
    };
    this.now = c.now ?? (() => new Date());
  }

  /** The URL to send the user to, and what to keep in their session for the callback. */
  async startAuthorization(): Promise<{ url: string; pending: PendingAuthorization }> {
    const state = oauth.generateRandomState();
    const url = new URL(this.c.endpoints.authorizationEndpoint);
    url.searchParams.set("client_id", this.c.clientId);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("scope", this.c.scope ?? QBO_ACCOUNTING_SCOPE);
    url.searchParams.set("redirect_uri", this.c.redirectUri);
    url.searchParams.set("state", state);
    let codeVerifier: string | undefined;
    if (this.c.pkce ?? true) {
      codeVerifier = oauth.generateRandomCodeVerifier();
      url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(codeVerifier));
      url.searchParams.set("code_challenge_method", "S256");
    }
    return { url: url.href, pending: { state, codeVerifier } };
  }

  /**
   * Handles the redirect back: checks `state` against the session's, exchanges the code, and
   * captures `realmId` (the company the user picked).
   */
  async completeAuthorization(callbackUrl: string | URL, pending: PendingAuthorization): Promise<QboGrant> {
    const url = new URL(callbackUrl);
    const realmId = url.searchParams.get("realmId");
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(this.as, this.client, url, pending.state);
    } catch (e) {
      throw this.toError(e, "The QuickBooks authorization was not completed");
    }
    if (!realmId)
      throw new QboAuthError({
        message: "The QuickBooks callback carries no realmId",
        element: "realmId",
        reason: "needs-reconnect",
      });
    const tokens = await this.tokenCall(async () => {
      const res = await oauth.authorizationCodeGrantRequest(
        this.as,
        this.client,
        this.auth,
        params,
        this.c.redirectUri,
        pending.codeVerifier ?? oauth.nopkce,
        this.opts,
      );
      return oauth.processAuthorizationCodeResponse(this.as, this.client, res);
    }, "Exchanging the authorization code failed");
    return { realmId, ...this.toGrant(tokens) };
  }

  /** Trades a refresh token for new tokens; QBO rotates the refresh token, keep the new one. */
  async refresh(refreshToken: string): Promise<RefreshedTokens> {
    const tokens = await this.tokenCall(async () => {
      const res = await oauth.refreshTokenGrantRequest(
        this.as,
        this.client,
        this.auth,
        refreshToken,
        this.opts,
      );
      return oauth.processRefreshTokenResponse(this.as, this.client, res);
    }, "Refreshing the QuickBooks token failed");
    return this.toGrant(tokens);
  }

  /** Revokes the grant behind a token (Disconnect). */
  async revoke(token: string): Promise<void> {
    await this.tokenCall(async () => {
      const res = await oauth.revocationRequest(this.as, this.client, this.auth, token, this.opts);
      return oauth.processRevocationResponse(res);
    }, "Revoking the QuickBooks token failed");
  }

  private toGrant(t: oauth.TokenEndpointResponse): RefreshedTokens {
    const now = this.now().getTime();
    if (!t.refresh_token)
      throw new QboUnexpectedResponseError({ message: "QuickBooks token response has no refresh_token" });
    const refreshIn = Number(t["x_refresh_token_expires_in"] ?? 8_726_400);
    return {
      accessToken: t.access_token,
      accessTokenExpiresAt: new Date(now + (t.expires_in ?? 3600) * 1000).toISOString(),
      refreshToken: t.refresh_token,
      refreshTokenExpiresAt: new Date(now + refreshIn * 1000).toISOString(),
    };
  }

  private async tokenCall<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.toError(e, what);
    }
  }

  private toError(e: unknown, what: string): QboError {
    if (e instanceof QboError) return e;
    if (e instanceof oauth.ResponseBodyError || e instanceof oauth.AuthorizationResponseError) {
      const status = e instanceof oauth.ResponseBodyError ? e.status : undefined;
      const description = e.error_description ? `: ${e.error_description}` : "";
      if (status !== undefined && status >= 500) {
        return new QboUnexpectedResponseError({
          message: `${what} (HTTP ${status})`,
          status,
          code: e.error,
          cause: e,
        });
      }
      // invalid_grant, invalid_client, access_denied...: nothing a retry can fix.
      return new QboAuthError({
        message: `${what}: ${e.error}${description}`,
        code: e.error,
        status,
        reason: "needs-reconnect",
        cause: e,
      });
    }
    if (e instanceof oauth.WWWAuthenticateChallengeError) {
      return new QboAuthError({
        message: `${what}: ${e.message}`,
        status: e.status,
        reason: "needs-reconnect",
        cause: e,
      });
    }
    if (e instanceof oauth.OperationProcessingError) {
      const status = (e.cause as { status?: unknown } | undefined)?.status;
      if (typeof status === "number" && status >= 500) {
        return new QboUnexpectedResponseError({ message: `${what} (HTTP ${status})`, status, cause: e });
      }
      if (e.code === oauth.INVALID_RESPONSE && typeof status === "number") {
        return new QboUnexpectedResponseError({ message: `${what}: ${e.message}`, status, cause: e });
      }
      // A state mismatch or a malformed callback is the user's flow going wrong, not a transient fault.
      return new QboAuthError({
        message: `${what}: ${e.message}`,
        code: e.code,
        reason: "needs-reconnect",
        cause: e,
      });
    }
    return new QboNetworkError({
      message: `${what}: ${e instanceof Error ? e.message : String(e)}`,
      cause: e,
    });
  }
}

/**
 * HTTP Basic as Intuit documents it and its own SDKs send it: base64(client_id:client_secret) as is.
 * oauth4webapi's ClientSecretBasic form-encodes both first (RFC 6749 §2.3.1), turning "-" into
 * "%2D"; Intuit's ids are alphanumeric so it makes no difference there, but a server that does not
 * form-decode (the emulator today) refuses such a client.
 */
function intuitBasicAuth(clientSecret: string): oauth.ClientAuth {
  return (_as, client, _body, headers) => {
    headers.set(
      "authorization",
      `Basic ${Buffer.from(`${client.client_id}:${clientSecret}`).toString("base64")}`,
    );
  };
}

function isLoopback(u: string): boolean {
  const host = new URL(u).hostname;
  return host === "localhost" || host === "[::1]" || host === "::1" || /^127\./.test(host);
}
