import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { toBool } from "./company-store.js";
import { withNamedLock } from "./named-lock.js";
import type { Database } from "./schema.js";
import { writeOutboundEvents } from "./outbound-store.js";
import { needsReconnectEvent } from "./outbound-sync-events.js";

/** Matches the connector's `VaultRecord` (packages/qbo/src/token-vault.ts), structurally. */
export interface VaultRecord {
  sealedGrant: string | null;
  needsReconnect: { reason: string; at: string } | null;
}

export interface ConnectionRow {
  companyId: string;
  enabled: boolean;
  realmId: string | null;
  hasGrant: boolean;
  needsReconnect: { reason: string; at: string } | null;
  settings: Record<string, unknown>;
  updatedAt: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Pending authorizations older than this are refused (and swept). */
export const oauthStateTtlMs = 10 * 60_000;

/**
 * Connections, their sealed grants and pending OAuth authorizations. Implements the connector's
 * `TokenVault` port: `withRefreshLock` holds a lock row, so one refresh runs at a time per company
 * across all processes.
 */
export class ConnectionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(companyId: string): Promise<ConnectionRow | undefined> {
    const r = await this.db
      .selectFrom("connections")
      .selectAll()
      .where("company_id", "=", companyId)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      companyId: r.company_id,
      enabled: toBool(r.enabled),
      realmId: r.realm_id,
      hasGrant: r.sealed_grant !== null,
      needsReconnect:
        r.needs_reconnect_reason === null
          ? null
          : { reason: r.needs_reconnect_reason, at: r.needs_reconnect_at ?? "" },
      settings: JSON.parse(r.settings) as Record<string, unknown>,
      updatedAt: r.updated_at,
    };
  }

  /** Submit: the Enable toggle and the settings, leaving the grant as it is. */
  async saveSettings(
    companyId: string,
    enabled: boolean,
    settings: Record<string, unknown>,
    at: string,
  ): Promise<void> {
    const values = { enabled: enabled ? 1 : 0, settings: JSON.stringify(settings), updated_at: at };
    await this.db
      .insertInto("connections")
      .values({
        company_id: companyId,
        realm_id: null,
        sealed_grant: null,
        needs_reconnect_reason: null,
        needs_reconnect_at: null,
        ...values,
      })
      .onConflict((oc) => oc.column("company_id").doUpdateSet(values))
      .execute();
  }

  async setRealm(companyId: string, realmId: string | null, at: string): Promise<void> {
    await this.ensureRow(companyId, at);
    await this.db
      .updateTable("connections")
      .set({ realm_id: realmId, updated_at: at })
      .where("company_id", "=", companyId)
      .execute();
  }

  /**
   * The companies connected to a realm, by id. One, unless the operator lets a realm
   * serve several companies (QBO_SHARED_REALMS).
   */
  async companiesForRealm(realmId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("connections")
      .select("company_id")
      .where("realm_id", "=", realmId)
      .where("sealed_grant", "is not", null)
      .orderBy("company_id")
      .execute();
    return rows.map((r) => r.company_id);
  }

  // --- TokenVault -----------------------------------------------------------------------------

  async load(companyId: string): Promise<VaultRecord | undefined> {
    const r = await this.db
      .selectFrom("connections")
      .select(["sealed_grant", "needs_reconnect_reason", "needs_reconnect_at"])
      .where("company_id", "=", companyId)
      .executeTakeFirst();
    if (!r || (r.sealed_grant === null && r.needs_reconnect_reason === null)) return undefined;
    return {
      sealedGrant: r.sealed_grant,
      needsReconnect:
        r.needs_reconnect_reason === null
          ? null
          : { reason: r.needs_reconnect_reason, at: r.needs_reconnect_at ?? "" },
    };
  }

  async save(companyId: string, record: VaultRecord): Promise<void> {
    const at = new Date().toISOString();
    await this.ensureRow(companyId, at);
    await this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom("connections")
        .select("needs_reconnect_reason")
        .where("company_id", "=", companyId)
        .executeTakeFirst();
      await trx
        .updateTable("connections")
        .set({
          sealed_grant: record.sealedGrant,
          needs_reconnect_reason: record.needsReconnect?.reason ?? null,
          needs_reconnect_at: record.needsReconnect?.at ?? null,
          updated_at: at,
        })
        .where("company_id", "=", companyId)
        .execute();
      // The business app hears once when the grant is lost (outbound event), not at every refusal.
      if (record.needsReconnect && (before?.needs_reconnect_reason ?? null) === null)
        await writeOutboundEvents(trx, companyId, [needsReconnectEvent(record.needsReconnect.reason)], at);
    });
  }

  async remove(companyId: string): Promise<void> {
    await this.db
      .updateTable("connections")
      .set({
        sealed_grant: null,
        needs_reconnect_reason: null,
        needs_reconnect_at: null,
        realm_id: null,
        updated_at: new Date().toISOString(),
      })
      .where("company_id", "=", companyId)
      .execute();
  }

  withRefreshLock<T>(companyId: string, fn: () => Promise<T>): Promise<T> {
    return withNamedLock(this.db, `qbo-refresh:${companyId}`, fn);
  }

  // --- pending OAuth authorizations -------------------------------------------------------------

  async savePendingAuthorization(p: {
    state: string;
    companyId: string;
    sessionNonce: string;
    sealedVerifier: string | null;
    at: string;
  }): Promise<void> {
    await this.db
      .insertInto("oauth_states")
      .values({
        state_hash: sha256(p.state),
        company_id: p.companyId,
        session_hash: sha256(p.sessionNonce),
        sealed_verifier: p.sealedVerifier,
        created_at: p.at,
      })
      .execute();
  }

  /**
   * Takes a pending authorization once: it is deleted whether or not it matches, so a `state` can
   * never be replayed. Undefined when unknown, expired, or started from another browser session.
   */
  async takePendingAuthorization(
    state: string,
    sessionNonce: string,
    now: Date,
  ): Promise<{ companyId: string; sealedVerifier: string | null } | undefined> {
    const hash = sha256(state);
    const row = await this.db
      .selectFrom("oauth_states")
      .selectAll()
      .where("state_hash", "=", hash)
      .executeTakeFirst();
    if (!row) return undefined;
    const deleted = await this.db
      .deleteFrom("oauth_states")
      .where("state_hash", "=", hash)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) return undefined; // someone else took it first
    await this.db
      .deleteFrom("oauth_states")
      .where("created_at", "<", new Date(now.getTime() - oauthStateTtlMs).toISOString())
      .execute();
    if (row.session_hash !== sha256(sessionNonce)) return undefined;
    if (now.getTime() - Date.parse(row.created_at) > oauthStateTtlMs) return undefined;
    return { companyId: row.company_id, sealedVerifier: row.sealed_verifier };
  }

  private async ensureRow(companyId: string, at: string): Promise<void> {
    await this.db
      .insertInto("connections")
      .values({
        company_id: companyId,
        enabled: 1,
        realm_id: null,
        sealed_grant: null,
        needs_reconnect_reason: null,
        needs_reconnect_at: null,
        settings: "{}",
        updated_at: at,
      })
      .onConflict((oc) => oc.column("company_id").doNothing())
      .execute();
  }
}
