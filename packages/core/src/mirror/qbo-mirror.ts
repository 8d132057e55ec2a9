/**
 * The QBO mirror: what Ledgerlink knows of the QBO company, kept in the store and refreshed by a pull
 * (a full listing first, then change data capture and webhook notices). Core only defines the shapes
 * and the pull's logic; the store implements QboMirrorPort and the connector QboPullApi.
 */

export type MirroredEntity =
  "Customer" | "Vendor" | "Employee" | "Item" | "Account" | "TaxCode" | "Invoice" | "CreditMemo" | "Payment";

/** Every mirrored entity, referenced ones before the ones that reference them. */
export const mirroredEntities: readonly MirroredEntity[] = [
  "Account",
  "TaxCode",
  "Item",
  "Customer",
  "Vendor",
  "Employee",
  "Invoice",
  "CreditMemo",
  "Payment",
];

/** Name lists are made inactive in QBO, never deleted; transactions are deleted. */
export const mirroredNameLists: ReadonlySet<MirroredEntity> = new Set([
  "Customer",
  "Vendor",
  "Employee",
  "Item",
  "Account",
  "TaxCode",
]);

export const isMirroredEntity = (name: string): name is MirroredEntity =>
  (mirroredEntities as readonly string[]).includes(name);

export interface MirroredObject {
  entity: MirroredEntity;
  id: string;
  syncToken: string;
  /** Name lists: QBO's `Active`; transactions are always active. */
  active: boolean;
  /**
   * MetaData.LastUpdatedTime, as UTC ISO-8601 (`2026-01-05T18:00:00.000Z`) so that two of them
   * compare as strings; QBO's own form (with the company's UTC offset) stays in `data`.
   */
  lastUpdated: string;
  /** Deleted in QBO (transactions), or gone from a full listing. */
  deleted: boolean;
  /** The wire JSON, complete, as QBO sent it (null for a deletion never seen alive). */
  data: unknown;
}

/** A mirrored object's version, without its data: what a full pull compares against. */
export interface MirrorVersion {
  id: string;
  syncToken: string;
  lastUpdated: string;
  active: boolean;
  deleted: boolean;
}

export interface MirrorCheckpoint {
  /** Where the next incremental pull starts (ISO). */
  since?: string;
  /** When the last full pull started (ISO). */
  fullPullAt?: string;
}

/** A change QBO told us about by webhook, not yet re-read (the `qbo_changes` table). */
export interface QboNotice {
  entity: string;
  qboId: string;
  operation: string;
  lastUpdated: string;
  /** For a `Merge`: the customer merged away (QBO's `deletedId`); `qboId` is the survivor. */
  deletedId?: string;
}

/** The store side of the mirror, already scoped to one company (`store.company(id).qbo`). */
export interface QboMirrorPort {
  /** Upserts in one transaction; an object with an older lastUpdated never overwrites a newer one. */
  upsertObjects(objects: readonly MirroredObject[]): Promise<void>;
  /** Marks objects deleted (tombstones for ids never seen), so no older copy can bring them back. */
  markDeleted(entity: MirroredEntity, ids: readonly string[], at: string): Promise<void>;
  listObjects(entity: MirroredEntity, opts?: { includeDeleted?: boolean }): Promise<MirroredObject[]>;
  getObject(entity: MirroredEntity, id: string): Promise<MirroredObject | undefined>;
  /** Several objects by id (deleted ones included), in no particular order; unknown ids are left out. */
  getObjects(entity: MirroredEntity, ids: readonly string[]): Promise<MirroredObject[]>;
  /** Every object's version (deleted ones included), without data. */
  listVersions(entity: MirroredEntity): Promise<MirrorVersion[]>;
  readPreferences(): Promise<unknown | undefined>;
  savePreferences(p: unknown, at: string): Promise<void>;
  readCheckpoint(): Promise<MirrorCheckpoint>;
  saveCheckpoint(c: MirrorCheckpoint): Promise<void>;
  /** Webhook notices not yet applied (existing qbo_changes table). */
  pendingNotices(): Promise<QboNotice[]>;
  /** Clears notices once re-read; a newer notice for the same record that arrived meanwhile stays. */
  clearNotices(notices: readonly { entity: string; qboId: string; lastUpdated: string }[]): Promise<void>;
}

/** The QBO side of a pull (implemented in `@ledgerlink/qbo` over its client). */
export interface QboPullApi {
  /**
   * Every object of the entity; inactive ones included for name lists. `onFetched`, when given, is
   * told the objects fetched so far as pages arrive, with QBO's count of them when it is known.
   */
  listAll(entity: MirroredEntity, onFetched?: (fetched: number, total?: number) => void): Promise<unknown[]>;
  /** The object as QBO has it now; undefined when it is gone (deleted). */
  read(entity: MirroredEntity, id: string): Promise<unknown | undefined>;
  readPreferences(): Promise<unknown>;
  changesSince(
    entities: readonly MirroredEntity[],
    since: Date,
    now: Date,
  ): Promise<{
    changes: { entity: MirroredEntity; id: string; deleted: boolean; object?: unknown }[];
    nextSince: Date;
    mode: "cdc" | "query";
  }>;
}

/** How far a pull has got with one entity: objects fetched so far, of QBO's count when known. */
export interface PullProgress {
  entity: MirroredEntity;
  fetched: number;
  total?: number;
}

export interface PulledChange {
  entity: MirroredEntity;
  id: string;
  /**
   * What happened to the object since the mirror last saw it. "merge": this customer was merged into
   * another in QBO (a `Merge` webhook, or it went inactive while its transactions moved to one other
   * customer); it is inactive now and `mergedIntoId` is the survivor.
   */
  operation: "create" | "update" | "delete" | "merge";
  /** For "merge": the customer that absorbed this one, when knowable. */
  mergedIntoId?: string;
  /**
   * Set on the survivor of a merge: the customers merged into it, when knowable. Empty when QBO
   * reported a `Merge` on this customer without saying which one it absorbed.
   */
  absorbedIds?: string[];
}

export interface PullResult {
  mode: "full" | "cdc" | "query";
  /** What changed in the mirror, by entity (in `mirroredEntities` order) then as QBO listed them. */
  changes: PulledChange[];
  /** Objects received from QBO per entity: the whole listing (full) or the changed ones (incremental). */
  counts: Record<MirroredEntity, number>;
}

/** QBO data the mirror cannot read (an object without Id or MetaData, a malformed amount or date). */
export class QboMirrorDataError extends Error {
  override readonly name = "QboMirrorDataError" as const;
  constructor(
    readonly entity: string,
    readonly id: string | undefined,
    readonly field: string,
    message: string,
  ) {
    super(`QBO ${entity}${id === undefined ? "" : ` ${id}`}: field ${field} ${message}`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** QBO timestamps carry the company's UTC offset; the mirror compares them in UTC. */
export function normalizeQboTime(text: string): string | undefined {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    // Webhooks write the offset without a colon (2015-10-05T14:42:19-0700).
    const m = /^(.*[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([+-])(\d{2})(\d{2})$/.exec(text.trim());
    if (!m) return undefined;
    const retry = Date.parse(`${m[1]}${m[2]}${m[3]}:${m[4]}`);
    return Number.isNaN(retry) ? undefined : new Date(retry).toISOString();
  }
  return new Date(ms).toISOString();
}

/** Reads the mirror's columns off QBO's wire JSON. */
export function mirroredObjectFrom(entity: MirroredEntity, wire: unknown): MirroredObject {
  if (!isRecord(wire)) throw new QboMirrorDataError(entity, undefined, "(object)", "is not a JSON object");
  const id = wire["Id"];
  if (typeof id !== "string" || id === "")
    throw new QboMirrorDataError(entity, undefined, "Id", "is missing or not a string");
  const syncToken = wire["SyncToken"];
  if (typeof syncToken !== "string")
    throw new QboMirrorDataError(entity, id, "SyncToken", "is missing or not a string");
  const meta = wire["MetaData"];
  const raw = isRecord(meta) ? meta["LastUpdatedTime"] : undefined;
  const lastUpdated = typeof raw === "string" ? normalizeQboTime(raw) : undefined;
  if (lastUpdated === undefined)
    throw new QboMirrorDataError(entity, id, "MetaData.LastUpdatedTime", "is missing or not a date-time");
  return {
    entity,
    id,
    syncToken,
    active: mirroredNameLists.has(entity) ? wire["Active"] !== false : true,
    lastUpdated,
    deleted: false,
    data: wire,
  };
}

/** True when `a` is a later version than `b`: a later LastUpdatedTime, or the same one and a later SyncToken. */
export function isNewerVersion(
  a: { lastUpdated: string; syncToken: string },
  b: { lastUpdated: string; syncToken: string },
): boolean {
  if (a.lastUpdated !== b.lastUpdated) return a.lastUpdated > b.lastUpdated;
  return compareSyncTokens(a.syncToken, b.syncToken) > 0;
}

/** SyncTokens are decimal counters written as strings: "10" is after "9". */
export function compareSyncTokens(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
