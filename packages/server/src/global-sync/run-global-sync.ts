import {
  customerPayload,
  fingerprint,
  itemPayload,
  mirroredEntities,
  planGlobalSync,
  QboLookups,
  snapshotFromMirror,
  SyncBusyError,
  type Clock,
  type Customer,
  type GlobalSyncKind,
  type GlobalSyncPlan,
  type GlobalSyncScope,
  type ItemRecord,
  type MirroredEntity,
  type MirroredObject,
  type QboCustomer,
} from "@ledgerlink/core";
import { newId, type GlobalSyncWrite, type Store } from "@ledgerlink/store";
import { companySyncSettings } from "../company-settings.js";
import { runnerName } from "../company-sync.js";

export interface GlobalSyncOptions {
  store: Store;
  companyId: string;
  scope: GlobalSyncScope;
  kinds: readonly GlobalSyncKind[];
  at: string;
  /** The lease's clock (the same one the company's syncs use, so expiry means the same to both). */
  clock: Clock;
  /** The company lease's time to live while the global sync runs; renewed every third of it (60 s). */
  leaseTtlMs?: number;
  /** Brings the QBO mirror up to date first (the sync's pull, e.g. the dry run's). */
  pull: () => Promise<unknown>;
}

export interface GlobalSyncOutcome extends GlobalSyncPlan {
  created: number;
  reviewsOpened: number;
}

/** Reads what the planner needs: the app's records, the QBO mirror, links and people's decisions. */
async function planFromStore(
  o: GlobalSyncOptions,
): Promise<{ plan: GlobalSyncPlan; mirror: Map<MirroredEntity, MirroredObject[]>; preferences: unknown }> {
  const company = o.store.company(o.companyId);
  const [inputs, decisions, preferences, settings, ...lists] = await Promise.all([
    company.sync.loadRecordInputs(),
    company.review.listMatchDecisions(),
    company.qbo.readPreferences(),
    companySyncSettings(o.store, o.companyId),
    ...mirroredEntities.map((e) => company.qbo.listObjects(e)),
  ]);
  const mirror = new Map<MirroredEntity, MirroredObject[]>();
  mirroredEntities.forEach((e, i) => mirror.set(e, lists[i]!));
  const live = (e: MirroredEntity) => (mirror.get(e) ?? []).filter((x) => !x.deleted && x.data !== null);
  const links = [...inputs.links.values()].flatMap((l) => {
    const [prefix, ...rest] = l.ref.split(":");
    const kind = prefix === "C" ? "customer" : prefix === "ITEM" ? "item" : undefined;
    return kind === undefined
      ? []
      : [{ kind: kind as GlobalSyncKind, localId: rest.join(":"), qboId: l.qboId }];
  });
  const plan = planGlobalSync({
    scope: o.scope,
    kinds: o.kinds,
    customers: inputs.records.customers,
    items: inputs.records.items,
    qboCustomers: live("Customer").map((x) => x.data as QboCustomer),
    qboItems: live("Item").map((x) => x.data as Record<string, unknown>),
    links,
    decisions: decisions.map((d) => ({
      localId: d.localId,
      decision: d.decision,
      ...(d.qboId === undefined ? {} : { qboId: d.qboId }),
    })),
    matchPolicy: settings.matchPolicy,
  });
  return { plan, mirror, preferences };
}

/** The dry run: QBO pulled, nothing written. */
export async function planCompanyGlobalSync(o: GlobalSyncOptions): Promise<GlobalSyncPlan> {
  await o.pull();
  return (await planFromStore(o)).plan;
}

/**
 * The global sync: QBO pulled, then each QBO-only record brought into the app (origin "qbo") and
 * linked with the fingerprint of what the sync would send for it, so the next sync to QBO skips it;
 * pairs in the review band are opened for a person instead. Running it again changes nothing.
 */
export async function runCompanyGlobalSync(o: GlobalSyncOptions): Promise<GlobalSyncOutcome> {
  return withCompanyLease(o, () => bringInFromQbo(o));
}

/**
 * Holds the company's run lease (the one every sync takes) around `work`, renewing it as a run does:
 * a global sync writes records and links, so a Sync Now or scheduled run planning beside it could
 * create in QBO what it is bringing in. `SyncBusyError` when another runner holds the lease.
 */
async function withCompanyLease<T>(o: GlobalSyncOptions, work: () => Promise<T>): Promise<T> {
  const engine = o.store.company(o.companyId).sync;
  // Named like a run's holder, so a global sync killed mid-way is taken over at once (company-sync.ts).
  const holder = runnerName();
  const ttl = o.leaseTtlMs ?? 60_000;
  if (!(await engine.acquireLease(holder, ttl, o.clock.now()))) throw new SyncBusyError(o.companyId);
  const renew = setInterval(
    () => void engine.renewLease(holder, ttl, o.clock.now()).catch(() => undefined),
    Math.max(250, ttl / 3),
  );
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await engine.releaseLease(holder);
  }
}

async function bringInFromQbo(o: GlobalSyncOptions): Promise<GlobalSyncOutcome> {
  await o.pull();
  const { plan, mirror, preferences } = await planFromStore(o);
  const lookups = new QboLookups(snapshotFromMirror(mirror, preferences));
  const tokens = new Map<string, string>();
  for (const e of ["Customer", "Item"] as const)
    for (const x of mirror.get(e) ?? []) tokens.set(`${e}:${x.id}`, x.syncToken);
  const writes: GlobalSyncWrite[] = plan.creates.map((c) => ({
    kind: c.kind,
    record: c.record,
    qboId: c.qboId,
    syncToken: tokens.get(`${c.kind === "customer" ? "Customer" : "Item"}:${c.qboId}`) ?? "0",
    fingerprint: fingerprint(
      c.kind === "customer"
        ? customerPayload(c.record as Customer)
        : itemPayload(c.record as ItemRecord, lookups),
    ),
  }));
  const company = o.store.company(o.companyId);
  const { created } = await company.globalSync.bringIn(writes, o.at);
  const reviews = plan.skipped.filter(
    (s) => s.reason === "review" && s.localId !== null && s.kind === "customer",
  );
  let reviewsOpened = 0;
  if (reviews.length > 0) {
    const saved = await company.review.saveReviewSuggestions(
      `global-sync-${newId()}`,
      reviews.map((s) => ({
        localId: s.localId!,
        qboId: s.qboId,
        score: s.score ?? 0,
        reasons: s.reasons ?? [],
      })),
      o.at,
    );
    reviewsOpened = saved.opened;
  }
  return { ...plan, created: created.length, reviewsOpened };
}
