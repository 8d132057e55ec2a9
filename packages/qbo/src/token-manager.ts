import type { Clock } from "@ledgerlink/core";
import { systemClock } from "@ledgerlink/core";
import type { QboGrant, QboOAuth, RefreshedTokens } from "./qbo-oauth.js";
import { QboAuthError } from "./qbo-error.js";
import { openToken, sealToken, type TokenKey } from "./token-crypto.js";
import type { TokenVault, VaultRecord } from "./token-vault.js";

export type ConnectionState = "connected" | "needs-reconnect" | "not-connected";

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why, in words office staff can act on (set unless connected). */
  reason?: string;
  realmId?: string;
  accessTokenExpiresAt?: string;
  refreshTokenExpiresAt?: string;
  /** The refresh token dies within `refreshTokenWarningMs`: reconnect soon. */
  refreshTokenExpiresSoon?: boolean;
}

export type TokenEvent =
  | { type: "refreshed"; companyId: string; accessTokenExpiresAt: string }
  | { type: "needs-reconnect"; companyId: string; reason: string }
  | { type: "refresh-token-expiring"; companyId: string; expiresAt: string };

export interface TokenManagerOptions {
  vault: TokenVault;
  oauth: Pick<QboOAuth, "refresh" | "revoke">;
  /** The current key first; retired keys after it still open old records. */
  keys: readonly [TokenKey, ...TokenKey[]];
  clock?: Clock;
  /** Refresh this long before the access token expires (default 5 min). */
  refreshAheadMs?: number;
  /** Warn this long before the refresh token expires (default 14 days). */
  refreshTokenWarningMs?: number;
  onEvent?: (event: TokenEvent) => void;
}

/**
 * Hands out access tokens per company. Refreshes ahead of expiry, one refresh at a time per company
 * across processes (the vault's lock), and saves the rotated refresh token before the new access
 * token is used: if the save fails the new token is never used, and the old refresh token still
 * works for 24 h at Intuit. A dead grant becomes "needs reconnect" with the reason, and every call
 * then fails fast with QboAuthError(reason "needs-reconnect") so queued work waits instead of failing.
 */
export class TokenManager {
  private readonly clock: Clock;
  private readonly aheadMs: number;
  private readonly warnMs: number;
  private readonly warned = new Set<string>();

  constructor(private readonly o: TokenManagerOptions) {
    this.clock = o.clock ?? systemClock;
    this.aheadMs = o.refreshAheadMs ?? 5 * 60_000;
    this.warnMs = o.refreshTokenWarningMs ?? 14 * 24 * 3600_000;
  }

  /** Stores a fresh grant after Connect (or reconnect), clearing any needs-reconnect state. */
  async connect(companyId: string, grant: QboGrant): Promise<void> {
    await this.o.vault.withRefreshLock(companyId, () => this.saveGrant(companyId, grant));
    this.warned.delete(companyId);
  }

  /** For createQboClient: `getAccessToken: manager.accessTokenFor(companyId)`. */
  accessTokenFor(companyId: string): (options?: { forceRefresh?: boolean }) => Promise<string> {
    return (options) => this.getAccessToken(companyId, options);
  }

  async getAccessToken(companyId: string, options: { forceRefresh?: boolean } = {}): Promise<string> {
    const seen = await this.grant(companyId);
    if (!options.forceRefresh && this.fresh(seen)) return seen.accessToken;
    return this.o.vault.withRefreshLock(companyId, async () => {
      const current = await this.grant(companyId);
      // Another worker refreshed while we waited for the lock: use theirs.
      if (current.accessToken !== seen.accessToken && this.fresh(current)) return current.accessToken;
      if (!options.forceRefresh && this.fresh(current)) return current.accessToken;
      let tokens: RefreshedTokens;
      try {
        tokens = await this.o.oauth.refresh(current.refreshToken);
      } catch (e) {
        if (e instanceof QboAuthError && e.reason === "needs-reconnect") {
          await this.markNeedsReconnect(
            companyId,
            `QuickBooks refused the saved connection (${e.code ?? e.message}); reconnect to resume syncing`,
          );
        }
        throw e;
      }
      const next: QboGrant = { ...current, ...tokens };
      await this.saveGrant(companyId, next);
      this.o.onEvent?.({ type: "refreshed", companyId, accessTokenExpiresAt: next.accessTokenExpiresAt });
      return next.accessToken;
    });
  }

  async status(companyId: string): Promise<ConnectionStatus> {
    const rec = await this.o.vault.load(companyId);
    if (rec?.needsReconnect) return { state: "needs-reconnect", reason: rec.needsReconnect.reason };
    if (!rec?.sealedGrant) return { state: "not-connected", reason: "Not connected to QuickBooks yet" };
    const g = this.open(companyId, rec.sealedGrant);
    const now = this.clock.now().getTime();
    if (Date.parse(g.refreshTokenExpiresAt) <= now) {
      return {
        state: "needs-reconnect",
        reason: "The QuickBooks connection expired; reconnect to resume syncing",
        realmId: g.realmId,
      };
    }
    return {
      state: "connected",
      realmId: g.realmId,
      accessTokenExpiresAt: g.accessTokenExpiresAt,
      refreshTokenExpiresAt: g.refreshTokenExpiresAt,
      refreshTokenExpiresSoon: Date.parse(g.refreshTokenExpiresAt) - now <= this.warnMs,
    };
  }

  /** Disconnect: revokes at Intuit (best effort: a dead grant is as good as revoked), then forgets. */
  async disconnect(companyId: string): Promise<{ revoked: boolean }> {
    const rec = await this.o.vault.load(companyId);
    let revoked = false;
    if (rec?.sealedGrant) {
      const g = this.open(companyId, rec.sealedGrant);
      try {
        await this.o.oauth.revoke(g.refreshToken);
        revoked = true;
      } catch (e) {
        if (!(e instanceof QboAuthError)) throw e;
      }
    }
    await this.o.vault.remove(companyId);
    return { revoked };
  }

  async markNeedsReconnect(companyId: string, reason: string): Promise<void> {
    const rec = (await this.o.vault.load(companyId)) ?? { sealedGrant: null, needsReconnect: null };
    await this.o.vault.save(companyId, {
      ...rec,
      needsReconnect: { reason, at: this.clock.now().toISOString() },
    });
    this.o.onEvent?.({ type: "needs-reconnect", companyId, reason });
  }

  private async grant(companyId: string): Promise<QboGrant> {
    const rec = await this.o.vault.load(companyId);
    if (rec?.needsReconnect) {
      throw new QboAuthError({
        message: rec.needsReconnect.reason,
        reason: "needs-reconnect",
        code: "needs-reconnect",
      });
    }
    if (!rec?.sealedGrant) {
      throw new QboAuthError({
        message: "This company is not connected to QuickBooks",
        reason: "needs-reconnect",
        code: "not-connected",
      });
    }
    const g = this.open(companyId, rec.sealedGrant);
    const left = Date.parse(g.refreshTokenExpiresAt) - this.clock.now().getTime();
    if (left <= 0) {
      const reason = "The QuickBooks connection expired; reconnect to resume syncing";
      await this.markNeedsReconnect(companyId, reason);
      throw new QboAuthError({ message: reason, reason: "needs-reconnect", code: "refresh-token-expired" });
    }
    if (left <= this.warnMs && !this.warned.has(companyId)) {
      this.warned.add(companyId);
      this.o.onEvent?.({ type: "refresh-token-expiring", companyId, expiresAt: g.refreshTokenExpiresAt });
    }
    return g;
  }

  private fresh(g: QboGrant): boolean {
    return Date.parse(g.accessTokenExpiresAt) - this.clock.now().getTime() > this.aheadMs;
  }

  private async saveGrant(companyId: string, grant: QboGrant): Promise<void> {
    const record: VaultRecord = {
      sealedGrant: sealToken(JSON.stringify(grant), this.o.keys[0], companyId),
      needsReconnect: null,
    };
    await this.o.vault.save(companyId, record);
  }

  private open(companyId: string, sealed: string): QboGrant {
    return JSON.parse(openToken(sealed, this.o.keys, companyId)) as QboGrant;
  }
}
