import type { CdcChange } from "./cdc-result.js";
import { nameListEntities, type QboEntityName } from "./entity-types.js";
import type { QboClient } from "./qbo-client.js";
import { select } from "./query-builder.js";

/** QBO's change data capture looks back at most 30 days. */
export const CDC_LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;

export interface PullChangesOptions {
  entities: readonly QboEntityName[];
  /** The stored checkpoint; undefined for the first pull (everything). */
  since: Date | undefined;
  /** The caller's clock reading at the start of the pull. */
  now: Date;
  /**
   * The next checkpoint is `now` minus this, so a change whose timestamp lagged our clock is seen
   * again rather than missed; seeing a change twice is harmless to a consumer that re-reads.
   */
  overlapMs?: number;
}

export interface PulledChanges {
  changes: CdcChange[];
  /** Store this and pass it as `since` next time. */
  nextSince: Date;
  /**
   * "cdc" when QBO's change feed served it; "query" when the checkpoint was too old (or absent) and
   * records were listed by MetaData.LastUpdatedTime instead — a query cannot show deletions, so
   * the caller reconciles those against a full list.
   */
  mode: "cdc" | "query";
}

/**
 * Changes since a checkpoint: CDC while the checkpoint is inside QBO's 30-day window (with an
 * hour's margin), otherwise a LastUpdatedTime query per entity, inactive records included.
 * Entities that hit CDC's 1000-object cap are re-listed by query so nothing is lost.
 */
export async function pullChanges(client: QboClient, o: PullChangesOptions): Promise<PulledChanges> {
  const nextSince = new Date(o.now.getTime() - (o.overlapMs ?? 60_000));
  const margin = 60 * 60 * 1000;
  if (o.since === undefined || o.now.getTime() - o.since.getTime() > CDC_LOOKBACK_MS - margin) {
    const changes = (await Promise.all(o.entities.map((e) => queryChanges(client, e, o.since)))).flat();
    return { changes, nextSince, mode: "query" };
  }
  const { changes, truncated } = await client.cdc(o.entities, o.since);
  if (truncated.length === 0) return { changes, nextSince, mode: "cdc" };
  const requeried = (await Promise.all(truncated.map((e) => queryChanges(client, e, o.since)))).flat();
  const have = new Set(requeried.map((c) => `${c.entity}:${c.id}`));
  // Keep CDC's deletions (a query cannot see them); replace the rest with the full listing.
  const kept = changes.filter(
    (c) => !truncated.includes(c.entity) || (c.deleted && !have.has(`${c.entity}:${c.id}`)),
  );
  return { changes: [...kept, ...requeried], nextSince, mode: "cdc" };
}

async function queryChanges(
  client: QboClient,
  entity: QboEntityName,
  since: Date | undefined,
): Promise<CdcChange[]> {
  let q = select(entity);
  if (since !== undefined) q = q.where("MetaData.LastUpdatedTime", ">=", since);
  if (nameListEntities.has(entity)) q = q.includeInactive();
  const records = (await client.queryAll(q)) as Record<string, unknown>[];
  return records.flatMap((rec): CdcChange[] => {
    const id = rec["Id"];
    if (typeof id !== "string") return [];
    const change: CdcChange = { entity, id, deleted: false, record: rec };
    const updated = (rec["MetaData"] as { LastUpdatedTime?: string } | undefined)?.LastUpdatedTime;
    if (updated) change.lastUpdated = updated;
    return [change];
  });
}
