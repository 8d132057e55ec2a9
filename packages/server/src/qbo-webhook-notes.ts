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
 * Records one realm's webhook notices against the company connected to it, for the next pull to re-read.
 * Returns the company, or undefined when no company holds that realm (a stale subscription: ignored).
 */
export async function noteQboWebhookChanges(
  store: Store,
  realmId: string,
  changes: readonly NotedQboChange[],
  at: string,
): Promise<string | undefined> {
  const companyId = await store.connections.companyForRealm(realmId);
  if (companyId === undefined) return undefined;
  await store.company(companyId).noteQboChanges(
    changes.map((e) => ({
      entity: e.entity,
      qboId: e.id,
      operation: e.operation,
      lastUpdated: e.lastUpdated ?? at,
      ...(e.deletedId === undefined ? {} : { deletedId: e.deletedId }),
    })),
    at,
  );
  return companyId;
}
