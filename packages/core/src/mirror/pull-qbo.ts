import {
  isMirroredEntity,
  isNewerVersion,
  mirroredEntities,
  mirroredObjectFrom,
  normalizeQboTime,
  type MirrorCheckpoint,
  type MirroredEntity,
  type MirroredObject,
  type MirrorVersion,
  type PulledChange,
  type PullProgress,
  type PullResult,
  type QboMirrorPort,
  type QboNotice,
  type QboPullApi,
} from "./qbo-mirror.js";

/**
 * QBO's change data capture looks back 30 days; past 30 days minus a margin (wider than the
 * connector's own hour, so the connector never has to fall back to a query) the pull lists everything.
 */
export const CDC_WINDOW_MS = 30 * 24 * 60 * 60 * 1000 - 2 * 60 * 60 * 1000;

/** The next pull starts this long before the last one did, so a change stamped late is seen again. */
export const PULL_OVERLAP_MS = 60_000;

/** Re-reads of webhook-noticed objects in flight at once (the connector's limiter paces them too). */
const READ_CONCURRENCY = 4;

const TRANSACTIONS: readonly MirroredEntity[] = ["Invoice", "CreditMemo", "Payment"];

export interface PullQboOptions {
  api: QboPullApi;
  mirror: QboMirrorPort;
  now: () => Date;
  /** List everything even when a checkpoint exists (and reconcile deletions). */
  full?: boolean;
  /** Told the objects fetched per entity as they come (for a progress display; no I/O expected). */
  onProgress?: (progress: PullProgress) => void;
}

/**
 * Brings the mirror up to date with QBO. Without a checkpoint (or with `full`), lists every entity
 * and marks deleted what the mirror has and QBO no longer lists (after a read confirms it is gone);
 * otherwise asks for the changes since the checkpoint and re-reads every object a pending webhook
 * notice names. The checkpoint is saved only after the objects, and the notices cleared only after
 * that, so a pull killed at any point is simply repeated by the next one.
 */
export async function pullQbo(o: PullQboOptions): Promise<PullResult> {
  const checkpoint = await o.mirror.readCheckpoint();
  const started = o.now();
  const since = checkpoint.since === undefined ? undefined : new Date(checkpoint.since);
  if (
    o.full === true ||
    since === undefined ||
    Number.isNaN(since.getTime()) ||
    started.getTime() - since.getTime() > CDC_WINDOW_MS
  ) {
    return fullPull(o, started);
  }
  return incrementalPull(o, checkpoint, since, started);
}

/** What one pull received for one object: its new version, or that it is gone. */
interface Incoming {
  entity: MirroredEntity;
  id: string;
  object?: MirroredObject;
  deleted: boolean;
}

const keyOf = (entity: string, id: string) => `${entity}:${id}`;

function zeroCounts(): Record<MirroredEntity, number> {
  return Object.fromEntries(mirroredEntities.map((e) => [e, 0])) as Record<MirroredEntity, number>;
}

async function fullPull(o: PullQboOptions, started: Date): Promise<PullResult> {
  const at = started.toISOString();
  const notices = await o.mirror.pendingNotices();
  const counts = zeroCounts();
  // One entity at a time: the connector already pages each listing in parallel, within QBO's limits.
  const listings: (readonly [MirroredEntity, MirroredObject[]])[] = [];
  for (const entity of mirroredEntities) {
    const report = o.onProgress;
    const onFetched =
      report &&
      ((fetched: number, total?: number) =>
        report({ entity, fetched, ...(total === undefined ? {} : { total }) }));
    const list = (await o.api.listAll(entity, onFetched)).map((w) => mirroredObjectFrom(entity, w));
    report?.({ entity, fetched: list.length, total: list.length });
    counts[entity] = list.length;
    listings.push([entity, list]);
  }
  const preferences = await o.api.readPreferences();

  const incoming: Incoming[] = [];
  const versions = new Map<MirroredEntity, Map<string, MirrorVersion>>();
  for (const [entity, list] of listings) {
    const before = new Map((await o.mirror.listVersions(entity)).map((v) => [v.id, v]));
    versions.set(entity, before);
    const listed = new Set<string>();
    for (const object of list) {
      listed.add(object.id);
      incoming.push({ entity, id: object.id, object, deleted: false });
    }
    // Gone from the listing; a read confirms it, since a listing paged while QBO changed can skip one.
    const missing = [...before.values()].filter((v) => !v.deleted && !listed.has(v.id)).map((v) => v.id);
    const reads = await mapLimited(missing, READ_CONCURRENCY, (id) => o.api.read(entity, id));
    missing.forEach((id, i) => {
      const wire = reads[i];
      incoming.push(
        wire === undefined
          ? { entity, id, deleted: true }
          : { entity, id, object: mirroredObjectFrom(entity, wire), deleted: false },
      );
    });
  }

  const { merges, survivors } = mergesNoticed(notices);
  const changes = await apply(o.mirror, incoming, versions, merges, at, survivors);
  await o.mirror.savePreferences(preferences, at);
  await o.mirror.saveCheckpoint({
    since: new Date(started.getTime() - PULL_OVERLAP_MS).toISOString(),
    fullPullAt: at,
  });
  // The notices were read before the listing began, so it saw what they name.
  if (notices.length > 0) await o.mirror.clearNotices(notices);
  return { mode: "full", changes, counts };
}

async function incrementalPull(
  o: PullQboOptions,
  checkpoint: MirrorCheckpoint,
  since: Date,
  started: Date,
): Promise<PullResult> {
  const at = started.toISOString();
  // Read before the changes, so a notice arriving mid-pull is left for the next one.
  const notices = await o.mirror.pendingNotices();
  const res = await o.api.changesSince(mirroredEntities, since, started);
  const counts = zeroCounts();
  if (o.onProgress) {
    // Change data capture answers in one call: each entity's changes arrive at once.
    const changed = zeroCounts();
    for (const c of res.changes) changed[c.entity]++;
    for (const entity of mirroredEntities)
      if (changed[entity] > 0) o.onProgress({ entity, fetched: changed[entity], total: changed[entity] });
  }
  const byKey = new Map<string, Incoming>();
  const take = (next: Incoming) => {
    const key = keyOf(next.entity, next.id);
    const prev = byKey.get(key);
    // A deletion is final; otherwise the newest version wins.
    if (prev?.deleted) return;
    if (!next.deleted && prev?.object && next.object && !isNewerVersion(next.object, prev.object)) return;
    byKey.set(key, next);
  };
  const toRead: { entity: MirroredEntity; id: string }[] = [];
  for (const c of res.changes) {
    if (c.deleted) take({ entity: c.entity, id: c.id, deleted: true });
    else if (c.object === undefined) toRead.push({ entity: c.entity, id: c.id });
    else take({ entity: c.entity, id: c.id, object: mirroredObjectFrom(c.entity, c.object), deleted: false });
  }

  // Webhook notices: re-read what CDC did not already bring at (or after) the noticed time.
  const { merges, survivors } = mergesNoticed(notices);
  for (const n of notices) {
    if (!isMirroredEntity(n.entity)) continue; // Preferences are read every pull; others are not mirrored
    const ids = n.deletedId === undefined ? [n.qboId] : [n.qboId, n.deletedId];
    for (const id of ids) {
      if (!covered(byKey.get(keyOf(n.entity, id)), n)) toRead.push({ entity: n.entity, id });
    }
  }
  const unique = [...new Map(toRead.map((r) => [keyOf(r.entity, r.id), r])).values()];
  const reads = await mapLimited(unique, READ_CONCURRENCY, (r) => o.api.read(r.entity, r.id));
  unique.forEach((r, i) => {
    const wire = reads[i];
    take(
      wire === undefined
        ? { entity: r.entity, id: r.id, deleted: true }
        : { entity: r.entity, id: r.id, object: mirroredObjectFrom(r.entity, wire), deleted: false },
    );
  });

  // A transaction that left a customer this pull has not read: read that customer, so a merge
  // (it went inactive as its transactions moved) can be told even when only the survivor was noticed.
  const left = (await customersLeft(o.mirror, byKey)).filter((id) => !byKey.has(keyOf("Customer", id)));
  const leftReads = await mapLimited(left, READ_CONCURRENCY, (id) => o.api.read("Customer", id));
  left.forEach((id, i) => {
    const wire = leftReads[i];
    take(
      wire === undefined
        ? { entity: "Customer", id, deleted: true }
        : { entity: "Customer", id, object: mirroredObjectFrom("Customer", wire), deleted: false },
    );
  });

  let incoming = [...byKey.values()];
  if (res.mode === "query") {
    // A LastUpdatedTime query cannot show deletions; only transactions are ever deleted in QBO.
    incoming = incoming.concat(await deletedTransactions(o, byKey));
  }
  for (const i of incoming) counts[i.entity]++;
  const preferences = await o.api.readPreferences();
  const changes = await apply(o.mirror, incoming, undefined, merges, at, survivors);
  await o.mirror.savePreferences(preferences, at);
  await o.mirror.saveCheckpoint({
    since: res.nextSince.toISOString(),
    ...(checkpoint.fullPullAt === undefined ? {} : { fullPullAt: checkpoint.fullPullAt }),
  });
  if (notices.length > 0) await o.mirror.clearNotices(notices);
  return { mode: res.mode, changes, counts };
}

interface NoticedMerge {
  entity: MirroredEntity;
  mergedId: string;
  survivorId: string;
}

/** Merges QBO reported by webhook: the survivors, and the merged-away records when QBO said which. */
function mergesNoticed(notices: readonly QboNotice[]): {
  merges: NoticedMerge[];
  survivors: { entity: MirroredEntity; id: string }[];
} {
  const merges: NoticedMerge[] = [];
  const survivors: { entity: MirroredEntity; id: string }[] = [];
  for (const n of notices) {
    if (!isMirroredEntity(n.entity) || n.operation.toLowerCase() !== "merge") continue;
    survivors.push({ entity: n.entity, id: n.qboId });
    if (n.deletedId !== undefined)
      merges.push({ entity: n.entity, mergedId: n.deletedId, survivorId: n.qboId });
  }
  return { merges, survivors };
}

/** True when what the pull already has for a record is at least as new as the notice about it. */
function covered(have: Incoming | undefined, notice: QboNotice): boolean {
  if (have === undefined) return false;
  if (have.deleted) return true;
  const noticed = normalizeQboTime(notice.lastUpdated);
  return noticed !== undefined && have.object !== undefined && have.object.lastUpdated >= noticed;
}

/** Customers that transactions in this pull moved away from, per the mirror's previous copies. */
async function customersLeft(mirror: QboMirrorPort, have: ReadonlyMap<string, Incoming>): Promise<string[]> {
  const out = new Set<string>();
  for (const entity of TRANSACTIONS) {
    const now = new Map(
      [...have.values()]
        .filter((i) => i.entity === entity && i.object !== undefined)
        .map((i) => [i.id, customerRefOf(i.object!.data)]),
    );
    if (now.size === 0) continue;
    for (const prev of await mirror.getObjects(entity, [...now.keys()])) {
      const from = customerRefOf(prev.data);
      if (from !== undefined && now.get(prev.id) !== undefined && now.get(prev.id) !== from) out.add(from);
    }
  }
  return [...out];
}

async function deletedTransactions(
  o: PullQboOptions,
  have: ReadonlyMap<string, Incoming>,
): Promise<Incoming[]> {
  const out: Incoming[] = [];
  for (const entity of TRANSACTIONS) {
    const listed = new Set((await o.api.listAll(entity)).map((w) => mirroredObjectFrom(entity, w).id));
    for (const v of await o.mirror.listVersions(entity)) {
      if (!v.deleted && !listed.has(v.id) && !have.has(keyOf(entity, v.id)))
        out.push({ entity, id: v.id, deleted: true });
    }
  }
  return out;
}

/**
 * Writes what the pull received and says what changed: creates, updates, deletions, and merges
 * (explicit from a `Merge` notice, or inferred: a customer that went inactive or disappeared while
 * its transactions moved to exactly one other customer).
 */
async function apply(
  mirror: QboMirrorPort,
  incoming: readonly Incoming[],
  knownVersions: ReadonlyMap<MirroredEntity, ReadonlyMap<string, MirrorVersion>> | undefined,
  explicitMerges: readonly NoticedMerge[],
  at: string,
  survivorsNoticed: readonly { entity: MirroredEntity; id: string }[],
): Promise<PulledChange[]> {
  const changes: PulledChange[] = [];
  const changeByKey = new Map<string, PulledChange>();
  const customerMoves = new Map<string, Set<string>>();
  const customersGone = new Set<string>();

  for (const entity of mirroredEntities) {
    const mine = incoming.filter((i) => i.entity === entity);
    if (mine.length === 0) continue;
    // Versions decide create/update/unchanged; previous data is needed only to see a customer's
    // transactions move or a customer go inactive, and only for objects the mirror already had.
    const known = knownVersions?.get(entity);
    const fetched =
      known === undefined
        ? new Map(
            (
              await mirror.getObjects(
                entity,
                mine.map((i) => i.id),
              )
            ).map((obj) => [obj.id, obj]),
          )
        : undefined;
    const versions: ReadonlyMap<string, MirrorVersion> =
      known ?? new Map([...fetched!.values()].map((obj) => [obj.id, versionOf(obj)]));
    const upserts: MirroredObject[] = [];
    const deletions: string[] = [];
    const changedIds: string[] = [];
    const pending: { i: Incoming; operation: PulledChange["operation"] }[] = [];
    for (const i of mine) {
      const before = versions.get(i.id);
      if (i.deleted || i.object === undefined) {
        if (before?.deleted) continue;
        deletions.push(i.id);
        pending.push({ i, operation: "delete" });
        if (before !== undefined) changedIds.push(i.id);
        continue;
      }
      const obj = i.object;
      if (before === undefined || (before.deleted && isNewerVersion(obj, before))) {
        upserts.push(obj);
        pending.push({ i, operation: "create" });
        continue;
      }
      if (before.deleted || !isNewerVersion(obj, before)) continue; // seen already, or stale
      upserts.push(obj);
      pending.push({ i, operation: "update" });
      changedIds.push(i.id);
    }
    if (entity === "Customer" || TRANSACTIONS.includes(entity)) {
      const previous =
        fetched ??
        new Map(
          changedIds.length === 0
            ? []
            : (await mirror.getObjects(entity, changedIds)).map((obj) => [obj.id, obj] as const),
        );
      for (const { i, operation } of pending) {
        const prev = previous.get(i.id);
        if (prev === undefined) continue;
        if (entity === "Customer") {
          if (prev.active && (operation === "delete" || i.object?.active === false)) customersGone.add(i.id);
        } else if (operation === "update" && i.object !== undefined) {
          const from = customerRefOf(prev.data);
          const to = customerRefOf(i.object.data);
          if (from !== undefined && to !== undefined && from !== to) {
            const targets = customerMoves.get(from) ?? new Set<string>();
            targets.add(to);
            customerMoves.set(from, targets);
          }
        }
      }
    }
    if (upserts.length > 0) await mirror.upsertObjects(upserts);
    if (deletions.length > 0) await mirror.markDeleted(entity, deletions, at);
    for (const { i, operation } of pending) {
      const change: PulledChange = { entity, id: i.id, operation };
      changes.push(change);
      changeByKey.set(keyOf(entity, i.id), change);
    }
  }

  const merges = new Map<string, NoticedMerge>();
  for (const m of explicitMerges) merges.set(keyOf(m.entity, m.mergedId), m);
  for (const id of customersGone) {
    const targets = customerMoves.get(id);
    if (!merges.has(keyOf("Customer", id)) && targets?.size === 1)
      merges.set(keyOf("Customer", id), { entity: "Customer", mergedId: id, survivorId: [...targets][0]! });
  }
  const changeOf = (entity: MirroredEntity, id: string, operation: PulledChange["operation"]) => {
    const key = keyOf(entity, id);
    let change = changeByKey.get(key);
    if (change === undefined) {
      change = { entity, id, operation };
      changes.push(change);
      changeByKey.set(key, change);
    }
    return change;
  };
  for (const m of merges.values()) {
    if (m.mergedId === m.survivorId) continue;
    const merged = changeOf(m.entity, m.mergedId, "merge");
    merged.operation = "merge";
    merged.mergedIntoId = m.survivorId;
    const survivor = changeOf(m.entity, m.survivorId, "update");
    survivor.absorbedIds ??= [];
    if (!survivor.absorbedIds.includes(m.mergedId)) survivor.absorbedIds.push(m.mergedId);
  }
  // QBO said "Merge" on a record but whom it absorbed could not be told: say so, with no ids.
  for (const s of survivorsNoticed) changeOf(s.entity, s.id, "update").absorbedIds ??= [];
  return changes;
}

const versionOf = (o: MirroredObject): MirrorVersion => ({
  id: o.id,
  syncToken: o.syncToken,
  lastUpdated: o.lastUpdated,
  active: o.active,
  deleted: o.deleted,
});

function customerRefOf(data: unknown): string | undefined {
  if (data === null || typeof data !== "object") return undefined;
  const ref = (data as { CustomerRef?: unknown }).CustomerRef;
  if (ref === null || typeof ref !== "object") return undefined;
  const value = (ref as { value?: unknown }).value;
  return typeof value === "string" ? value : undefined;
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
