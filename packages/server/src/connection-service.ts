import {
  CompanyRateLimiters,
  createQboClient,
  defaultRetryPolicy,
  emulatorEndpoints,
  loadOrCreateKeyFile,
  qboProduction,
  qboSandbox,
  QboOAuth,
  sealToken,
  openToken,
  TokenManager,
  tokenKey,
  meteredLimiter,
  type QboClient,
  type QboEndpoints,
  type RetryPolicyOptions,
  type RateLimiter,
  type ThrottleMeter,
  type TokenKey,
} from "@ledgerlink/qbo";
import type { Clock } from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import { ApiError } from "./api-error.js";
import type { ConnectionState } from "./app-deps.js";
import type { Config } from "./config.js";

/** The client's waits on an emulated clock that runs `timeScale` times faster than real time. */
function scaledTimings(timeScale: number): { retry: Partial<RetryPolicyOptions>; timeoutMs: number } {
  const d = defaultRetryPolicy;
  return {
    retry: {
      baseDelayMs: d.baseDelayMs / timeScale,
      maxDelayMs: d.maxDelayMs / timeScale,
      throttleDelayMs: d.throttleDelayMs / timeScale,
    },
    timeoutMs: 120_000 / timeScale,
  };
}

/** The emulator's documented default OAuth app (packages/emulator): not a secret, it only unlocks it. */
export const emulatorApp = {
  clientId: "ledgerlink-emulator-client",
  clientSecret: "ledgerlink-emulator-secret",
};

/** A secret at rest was sealed with a token key that is in neither LEDGERLINK_TOKEN_KEY nor the retired keys. */
export class SecretKeyMissingError extends Error {
  override readonly name = "SecretKeyMissingError";
  constructor(what: string, keyId: string | undefined) {
    super(
      `${what} is sealed with token key ${keyId ?? "(unreadable)"}, which is not configured: put the key it was sealed with in LEDGERLINK_TOKEN_KEYS_RETIRED`,
    );
  }
}

const sealedKeyId = (sealed: string): string | undefined => sealed.split(".")[1];

export interface ConnectionSettingsInput {
  enabled: boolean;
  settings: Record<string, unknown>;
}

export interface ConnectionServiceOptions {
  store: Store;
  config: Pick<Config, "qbo" | "tokenKey" | "keyFile" | "publicUrl" | "retiredTokenKeys">;
  clock: Clock;
  fetch?: typeof fetch;
  /**
   * For an emulator whose clock runs this many times faster than real time (benches, chaos runs):
   * the client's rate-limit windows, retry waits and request timeout shrink by the same factor.
   */
  timeScale?: number;
  /**
   * The limiter for a rate budget's calls (a company id, or `realm:<id>` for a shared realm); default
   * one per budget in this process. Workers pass one shared through the database.
   */
  limiterFor?: (budget: string) => RateLimiter;
  /** Told when getting a company's access token fails (refresh refused, QBO unreachable): metrics. */
  onTokenError?: (companyId: string, err: unknown) => void;
}

/**
 * C1, the connection lifecycle: Enable toggle and settings (Submit), Connect (OAuth authorization
 * code with PKCE, `state` bound to the browser session and single-use), Disconnect (revoke), status,
 * and a QBO client whose tokens are refreshed ahead of expiry, one refresh at a time per company.
 */
export class ConnectionService {
  private readonly endpoints: QboEndpoints;
  private readonly oauth: QboOAuth;
  private manager: Promise<TokenManager> | undefined;
  private keys: Promise<readonly [TokenKey, ...TokenKey[]]> | undefined;
  /** One limiter per company for this process, so every client of a company shares QBO's limits. */
  private readonly limiters: CompanyRateLimiters;

  constructor(private readonly o: ConnectionServiceOptions) {
    this.limiters = new CompanyRateLimiters(o.timeScale === undefined ? {} : { timeScale: o.timeScale });
    const q = o.config.qbo;
    this.endpoints =
      q.environment === "emulator"
        ? emulatorEndpoints(q.baseUrl)
        : { ...(q.environment === "sandbox" ? qboSandbox : qboProduction), apiBaseUrl: q.baseUrl };
    this.oauth = new QboOAuth({
      clientId: q.clientId ?? emulatorApp.clientId,
      clientSecret: q.clientSecret ?? emulatorApp.clientSecret,
      redirectUri: q.redirectUri ?? `${o.config.publicUrl}/api/v1/connection/callback`,
      endpoints: this.endpoints,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      now: () => o.clock.now(),
    });
  }

  private tokenKeys(): Promise<readonly [TokenKey, ...TokenKey[]]> {
    const { tokenKey: material, keyFile, retiredTokenKeys = [] } = this.o.config;
    // The current key seals; retired ones (after a rotation) only open what they sealed before.
    this.keys ??= (async () => {
      const current = material === undefined ? await loadOrCreateKeyFile(keyFile) : tokenKey(material);
      return [current, ...retiredTokenKeys.map((k) => tokenKey(k))] as const;
    })();
    return this.keys;
  }

  /**
   * After a key rotation: re-seals every stored grant still sealed with a retired key under the current
   * one (under each company's refresh lock, so a concurrent refresh is not lost). Returns how many were
   * re-sealed; once it has run, the retired keys can be dropped.
   */
  async resealGrants(): Promise<number> {
    let resealed = 0;
    for (const { id: companyId } of await this.o.store.listCompanies()) {
      await this.o.store.connections.withRefreshLock(companyId, async () => {
        const record = await this.o.store.connections.load(companyId);
        if (!record?.sealedGrant) return;
        // A grant is sealed bound to its company id.
        const sealedGrant = await this.resealSecret(
          record.sealedGrant,
          companyId,
          `Company ${companyId}'s QuickBooks connection`,
        );
        if (sealedGrant === undefined) return;
        await this.o.store.connections.save(companyId, { ...record, sealedGrant });
        resealed++;
      });
    }
    return resealed;
  }

  /**
   * Seals another secret with the key that seals the OAuth grants (webhook signing secrets), bound to
   * `associatedData` so a sealed value copied elsewhere does not open.
   */
  async sealSecret(plaintext: string, associatedData: string): Promise<string> {
    const [key] = await this.tokenKeys();
    return sealToken(plaintext, key, associatedData);
  }

  async openSecret(sealed: string, associatedData: string): Promise<string> {
    return openToken(sealed, await this.tokenKeys(), associatedData);
  }

  /**
   * After a key rotation: the secret sealed again under the current key, or undefined when the current
   * key sealed it already. Throws SecretKeyMissingError, naming `what`, when no configured key sealed it.
   */
  async resealSecret(sealed: string, associatedData: string, what: string): Promise<string | undefined> {
    const keys = await this.tokenKeys();
    if (sealedKeyId(sealed) === keys[0].id) return undefined;
    if (!keys.some((k) => k.id === sealedKeyId(sealed)))
      throw new SecretKeyMissingError(what, sealedKeyId(sealed));
    return sealToken(openToken(sealed, keys, associatedData), keys[0], associatedData);
  }

  private tokens(): Promise<TokenManager> {
    this.manager ??= this.tokenKeys().then(
      (keys) =>
        new TokenManager({ vault: this.o.store.connections, oauth: this.oauth, keys, clock: this.o.clock }),
    );
    return this.manager;
  }

  async status(companyId: string): Promise<ConnectionState> {
    const row = await this.o.store.connections.get(companyId);
    const environment = this.o.config.qbo.environment;
    if (row && !row.enabled) {
      return {
        state: "disabled",
        environment,
        realmId: row.realmId,
        reason: "The QuickBooks sync is turned off",
      };
    }
    const s = await (await this.tokens()).status(companyId);
    const out: ConnectionState = {
      state: s.state === "not-connected" ? "disconnected" : s.state,
      environment,
      realmId: s.realmId ?? row?.realmId ?? null,
    };
    if (s.reason !== undefined) out.reason = s.reason;
    if (s.refreshTokenExpiresSoon)
      out.reason = "The QuickBooks connection expires soon: reconnect to keep syncing";
    return out;
  }

  async saveSettings(companyId: string, input: ConnectionSettingsInput): Promise<void> {
    await this.o.store.connections.saveSettings(
      companyId,
      input.enabled,
      input.settings,
      this.o.clock.now().toISOString(),
    );
  }

  /** Starts Connect: the URL to send the user to. `sessionNonce` identifies their browser session. */
  async startConnect(companyId: string, sessionNonce: string): Promise<string> {
    const { url, pending } = await this.oauth.startAuthorization();
    const [key] = await this.tokenKeys();
    await this.o.store.connections.savePendingAuthorization({
      state: pending.state,
      companyId,
      sessionNonce,
      sealedVerifier:
        pending.codeVerifier === undefined ? null : sealToken(pending.codeVerifier, key, `pkce:${companyId}`),
      at: this.o.clock.now().toISOString(),
    });
    return url;
  }

  /** Finishes Connect from the callback URL; returns the company that is now connected. */
  async completeConnect(
    callbackUrl: string,
    sessionNonce: string,
  ): Promise<{ companyId: string; realmId: string }> {
    const url = new URL(callbackUrl);
    const state = url.searchParams.get("state");
    if (!state)
      throw new ApiError(400, "missing_state", "The QuickBooks callback has no state", { field: "state" });
    const error = url.searchParams.get("error");
    const pending = await this.o.store.connections.takePendingAuthorization(
      state,
      sessionNonce,
      this.o.clock.now(),
    );
    if (!pending) {
      throw new ApiError(
        400,
        "invalid_state",
        "This QuickBooks authorization is unknown, expired, already used or from another browser session; press Connect again",
        { field: "state" },
      );
    }
    if (error)
      throw new ApiError(
        400,
        "authorization_denied",
        `QuickBooks did not authorize the connection (${error})`,
      );
    const keys = await this.tokenKeys();
    const codeVerifier =
      pending.sealedVerifier === null
        ? undefined
        : openToken(pending.sealedVerifier, keys, `pkce:${pending.companyId}`);
    const grant = await this.oauth.completeAuthorization(url, { state, codeVerifier });
    const holders = (await this.o.store.connections.companiesForRealm(grant.realmId)).filter(
      (id) => id !== pending.companyId,
    );
    // Two companies writing into one set of books would each create the other's customers again, so a
    // realm serves one company unless the operator has said otherwise for that realm.
    if (holders.length > 0 && !this.o.config.qbo.sharedRealms.includes(grant.realmId)) {
      throw new ApiError(
        409,
        "realm_already_connected",
        `This QuickBooks company (realm ${grant.realmId}) is already connected to "${holders[0]}". ` +
          `Disconnect it there first, or, if both really keep their books in it, add ${grant.realmId} to QBO_SHARED_REALMS`,
        { field: "realmId", realmId: grant.realmId, connectedTo: holders },
      );
    }
    await (await this.tokens()).connect(pending.companyId, grant);
    await this.o.store.connections.setRealm(
      pending.companyId,
      grant.realmId,
      this.o.clock.now().toISOString(),
    );
    return { companyId: pending.companyId, realmId: grant.realmId };
  }

  async disconnect(companyId: string): Promise<{ revoked: boolean }> {
    return (await this.tokens()).disconnect(companyId);
  }

  /** A QBO client for the company, or a clear error when it is not connected. */
  async clientFor(companyId: string, opts: { meter?: ThrottleMeter } = {}): Promise<QboClient> {
    const status = await this.status(companyId);
    if (status.state !== "connected" || status.realmId === null) {
      throw new ApiError(409, "not_connected", status.reason ?? "Connect to QuickBooks first", {
        state: status.state,
      });
    }
    const manager = await this.tokens();
    // QBO's limits are per realm: companies sharing one draw from one budget.
    const budget = this.o.config.qbo.sharedRealms.includes(status.realmId)
      ? `realm:${status.realmId}`
      : companyId;
    const limiter = this.o.limiterFor ? this.o.limiterFor(budget) : this.limiters.for(budget);
    return createQboClient({
      baseUrl: this.endpoints.apiBaseUrl,
      realmId: status.realmId,
      getAccessToken: this.tokenGetter(companyId, manager.accessTokenFor(companyId)),
      limiter: opts.meter ? meteredLimiter(limiter, opts.meter) : limiter,
      ...(this.o.fetch ? { fetch: this.o.fetch } : {}),
      ...(this.o.timeScale === undefined ? {} : scaledTimings(this.o.timeScale)),
    });
  }

  private tokenGetter(
    companyId: string,
    get: (options?: { forceRefresh?: boolean }) => Promise<string>,
  ): (options?: { forceRefresh?: boolean }) => Promise<string> {
    const onError = this.o.onTokenError;
    if (!onError) return get;
    return (options) =>
      get(options).catch((err: unknown) => {
        onError(companyId, err);
        throw err;
      });
  }

  /**
   * The emulator's authorize page consents by itself; the demo and CLI use this to connect with no
   * browser. Only for the emulator: real QBO needs a person to pick the company and consent.
   */
  async connectToEmulatorAutomatically(companyId: string): Promise<{ realmId: string }> {
    if (this.o.config.qbo.environment !== "emulator")
      throw new Error("automatic connect is only for the emulator");
    const nonce = `auto-${companyId}-${Date.now()}`;
    const authorizeUrl = await this.startConnect(companyId, nonce);
    const res = await (this.o.fetch ?? fetch)(authorizeUrl, { redirect: "manual" });
    const location = res.headers.get("location");
    if (res.status !== 302 || location === null)
      throw new Error(`the emulator's authorize page answered ${res.status}`);
    return this.completeConnect(location, nonce);
  }
}
