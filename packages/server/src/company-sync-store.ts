import {
  entityOfRef,
  isMirroredEntity,
  matchRecordFromQboCustomer,
  mirroredObjectFrom,
  mirroredEntities,
  snapshotFromMirror,
  type MirroredEntity,
  type MirroredObject,
  type QboCustomer,
  type SyncEngineStore as SyncEnginePort,
  type SyncInputs,
} from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";

/** Entities whose current QBO objects the planner compares against (field changes, conflicts). */
const diffed: ReadonlySet<MirroredEntity> = new Set([
  "Customer",
  "Item",
  "Invoice",
  "CreditMemo",
  "Payment",
  "Account",
]);

/**
 * The engine's store port for one company, composed from the store's parts: the app's records and the
 * outbox (`sync`), the QBO mirror the pull keeps (`qbo`) and people's match decisions (`review`).
 */
export function companySyncStore(store: Store, companyId: string): SyncEnginePort {
  const company = store.company(companyId);
  const engine = company.sync;
  const mirror = company.qbo;
  const review = company.review;
  return {
    companyId,
    async loadInputs(): Promise<SyncInputs> {
      const [records, preferences, decisions, ...lists] = await Promise.all([
        engine.loadRecordInputs(),
        mirror.readPreferences(),
        review.listMatchDecisions(),
        ...mirroredEntities.map((e) => mirror.listObjects(e)),
      ]);
      const byEntity = new Map<MirroredEntity, MirroredObject[]>();
      mirroredEntities.forEach((e, i) => byEntity.set(e, lists[i]!));
      const qboObjects = new Map<string, Record<string, unknown>>();
      for (const [entity, objects] of byEntity) {
        if (!diffed.has(entity)) continue;
        for (const o of objects) qboObjects.set(`${entity}:${o.id}`, o.data as Record<string, unknown>);
      }
      const qboCustomers = (byEntity.get("Customer") ?? [])
        .filter((o) => !o.deleted && o.data !== null)
        .map((o) => matchRecordFromQboCustomer(o.data as QboCustomer));
      const movedInQbo = [...records.links.values()]
        .filter((l) => {
          const obj = qboObjects.get(`${entityOfRef(l.ref)}:${l.qboId}`);
          return obj !== undefined && l.fingerprint !== "" && String(obj["SyncToken"]) !== l.syncToken;
        })
        .map((l) => l.ref);
      const lastSent = movedInQbo.length > 0 ? await engine.lastSentPayloads(movedInQbo) : new Map();
      return {
        ...records,
        lastSent,
        snapshot: snapshotFromMirror(byEntity, preferences),
        qboCustomers,
        qboObjects,
        decisions: decisions.map((d) => ({
          localId: d.localId,
          decision: d.decision,
          ...(d.qboId === undefined ? {} : { qboId: d.qboId }),
        })),
      };
    },
    acquireLease: (holder, ttl, now) => engine.acquireLease(holder, ttl, now),
    renewLease: (holder, ttl, now) => engine.renewLease(holder, ttl, now),
    releaseLease: (holder) => engine.releaseLease(holder),
    startRun: (run) => engine.startRun(run),
    saveRun: (run) => engine.saveRun(run),
    listUnfinishedRuns: () => engine.listUnfinishedRuns(),
    cancelRequested: (runId) => engine.cancelRequested(runId),
    insertOps: (ops) => engine.insertOps(ops),
    markSent: (ops, at) => engine.markSent(ops, at),
    settleOps: (answer, at) => engine.settleOps(answer, at),
    unfinishedOps: () => engine.unfinishedOps(),
    rememberQboObjects: async (objects) => {
      const mirrored = objects.flatMap(({ entity, object }) =>
        isMirroredEntity(entity) ? [mirroredObjectFrom(entity, object)] : [],
      );
      if (mirrored.length > 0) await mirror.upsertObjects(mirrored);
    },
    abandonOps: (ids, at) => engine.abandonOps(ids, at),
    lastSentPayload: (ref) => engine.lastSentPayload(ref),
    replaceFindings: (runId, findings, at) => engine.replaceFindings(runId, findings, at),
    saveReviewSuggestions: async (runId, reviews, at) => {
      await review.saveReviewSuggestions(runId, reviews, at);
    },
    audit: (entry) => engine.audit(entry),
  };
}
