import {
  MIN_PAIRS_TO_ESTIMATE,
  defaultMatchWeights,
  findDuplicates,
  matchRecordFromCustomer,
  matchRecordFromQboCustomer,
  type DuplicateCluster,
  type MatchRecord,
} from "@ledgerlink/core";
import type { CompanyState } from "./company-state.js";
import type { DuplicateGroup } from "./report-schema.js";

/**
 * Customers that look like the same customer, inside the app and inside QuickBooks (active ones: an
 * inactive QuickBooks customer is usually the one already merged away). Found by core's `findDuplicates`,
 * the matcher's own scoring, so the report and the review queue agree on what "looks the same" means.
 */
export function duplicateGroups(state: CompanyState): { app: DuplicateGroup[]; qbo: DuplicateGroup[] } {
  const qboToLocal = new Map<string, string>();
  for (const [ref, qboId] of state.customerLinks) qboToLocal.set(qboId, ref);

  const appCustomers = state.customers.filter((c) => c.active);
  const byLocalId = new Map(appCustomers.map((c) => [c.id, c]));
  const app = clusters(appCustomers.map(matchRecordFromCustomer)).map((cl) =>
    group(cl, (id) => {
      const c = byLocalId.get(id)!;
      const ref = `C:${id}`;
      const phone = c.phone ?? c.mobile;
      const linked = state.customerLinks.get(ref);
      return {
        id: ref,
        name: c.displayName,
        ...(c.email !== undefined ? { email: c.email } : {}),
        ...(phone !== undefined ? { phone } : {}),
        ...(linked !== undefined ? { linkedTo: `QuickBooks ${linked}` } : {}),
      };
    }),
  );

  const qboActive = [...state.qboCustomers.values()].filter((q) => q.Active !== false && q.Id !== undefined);
  const byQboId = new Map(qboActive.map((q) => [q.Id!, q]));
  const qbo = clusters(qboActive.map(matchRecordFromQboCustomer)).map((cl) =>
    group(cl, (id) => {
      const q = byQboId.get(id)!;
      const email = q.PrimaryEmailAddr?.Address;
      const phone = q.PrimaryPhone?.FreeFormNumber ?? q.Mobile?.FreeFormNumber;
      const linked = qboToLocal.get(id);
      return {
        id,
        name: q.DisplayName ?? q.FullyQualifiedName ?? "",
        ...(email !== undefined ? { email } : {}),
        ...(phone !== undefined ? { phone } : {}),
        ...(linked !== undefined ? { linkedTo: linked } : {}),
      };
    }),
  );
  return { app, qbo };
}

function clusters(records: MatchRecord[]): DuplicateCluster[] {
  const n = records.length;
  if (n < 2) return [];
  // As the matcher does: too few pairs to estimate weights from, and the documented defaults do better
  // (estimated on a handful of customers, exact twins with the same email went unreported).
  const pairs = (n * (n - 1)) / 2;
  return findDuplicates(records, pairs < MIN_PAIRS_TO_ESTIMATE ? { weights: defaultMatchWeights(n, n) } : {})
    .clusters;
}

function group(cluster: DuplicateCluster, member: (id: string) => DuplicateGroup["members"][number]) {
  const reasons = [...new Set(cluster.pairs.flatMap((p) => p.reasons))];
  return { score: cluster.score, reasons, members: cluster.ids.map(member) };
}
