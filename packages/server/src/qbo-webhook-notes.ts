import type { Store } from "@ledgerlink/store";

/** What a QBO webhook says changed, as the receiver and the webhook job both carry it. */
export interface NotedQboChange {
  entity: string;
  id: string;
  operation: string;
  lastUpdated?: string | undefined;
  deletedId?: string | undefined;
}

/**
 * Records one realm's webhook notices against every company connected to it (one, unless the realm is
 * shared), for the next pull to re-read. Returns those companies; none when no company holds the realm
 * (a stale subscription: ignored).
 */
export async function noteQboWebhookChanges(
  store: Store,
  realmId: string,
  changes: readonly NotedQboChange[],
  at: string,
): Promise<string[]> {
  const companies = await store.connections.companiesForRealm(realmId);
  const noted = changes.map((e) => ({
    entity: e.entity,
    qboId: e.id,
    operation: e.operation,
    lastUpdated: e.lastUpdated ?? at,
    ...(e.deletedId === undefined ? {} : { deletedId: e.deletedId }),
  }));
  for (const companyId of companies) await store.company(companyId).noteQboChanges(noted, at);
  return companies;
}
