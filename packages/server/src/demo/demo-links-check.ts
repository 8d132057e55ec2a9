import { entityOfRef, type RecordRef } from "@ledgerlink/core";
import type { RealmHandle } from "@ledgerlink/emulator";
import type { CompanyStore } from "@ledgerlink/store";

/**
 * The records the database says are in QuickBooks that the emulator's company does not have. The demo's
 * emulator keeps QBO in memory and starts again from its seed, so after a restart every record an
 * earlier run created there is gone while its link remains: the console would show it synced, and
 * the next sync would skip it as unchanged. Links to the seed's own records survive (its ids are fixed).
 */
export async function linksMissingFromQbo(company: CompanyStore, realm: RealmHandle): Promise<RecordRef[]> {
  const missing: RecordRef[] = [];
  for (const [ref, link] of await company.sync.listLinks())
    if (realm.get(entityOfRef(ref), link.qboId) === undefined) missing.push(ref);
  return missing;
}
