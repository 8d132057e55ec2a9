import type { MirroredEntity, QboPullApi } from "@ledgerlink/core";
import { nameListEntities } from "./entity-types.js";
import { pullChanges } from "./pull-changes.js";
import type { QboClient } from "./qbo-client.js";
import { QboFaultError } from "./qbo-error.js";
import { MAX_RESULTS, select } from "./query-builder.js";

/** QBO answers a read of a deleted (or never existing) object with fault 610, Object Not Found. */
const isNotFound = (e: unknown): boolean => e instanceof QboFaultError && e.code === "610";

/** Pages of a listing in flight at once: QBO allows 10 requests at a time per company. */
const PAGE_CONCURRENCY = 4;

/**
 * Every record of an entity (inactive name-list records included), its pages fetched a few at a time:
 * a 100k-customer company is 100 pages, each costing QBO about a second. The pages are counted first;
 * when the last counted page is full (records were created meanwhile) paging goes on until a short
 * page, and a record seen twice (shifted across a page boundary) is kept once.
 */
async function listEverything(
  client: QboClient,
  entity: MirroredEntity,
  onFetched?: (fetched: number, total?: number) => void,
): Promise<unknown[]> {
  const q = nameListEntities.has(entity) ? select(entity).includeInactive() : select(entity);
  const total = await client.count(q);
  const pages = Math.ceil(total / MAX_RESULTS);
  const counted = new Array<Record<string, unknown>[]>(pages);
  let next = 0;
  let fetched = 0;
  onFetched?.(0, total);
  const worker = async () => {
    while (next < pages) {
      const p = next++;
      counted[p] = (await client.queryPage(q, 1 + p * MAX_RESULTS)).items as Record<string, unknown>[];
      fetched += counted[p].length;
      onFetched?.(fetched, Math.max(total, fetched));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PAGE_CONCURRENCY, pages) }, worker));
  const all = counted.flat();
  if (pages === 0 || counted[pages - 1]!.length === MAX_RESULTS) {
    for (let start = pages * MAX_RESULTS + 1; ; start += MAX_RESULTS) {
      const items = (await client.queryPage(q, start)).items as Record<string, unknown>[];
      all.push(...items);
      if (items.length < MAX_RESULTS) break;
    }
  }
  const byId = new Map<unknown, Record<string, unknown>>();
  for (const r of all) byId.set(r["Id"], r);
  return [...byId.values()];
}

/**
 * The QBO side of the mirror's pull (core's pullQbo) over one company's client: full listings with
 * inactive name-list records included, reads by id, Preferences, and CDC with its query fallback.
 * Throttling, retries and token refresh are the client's.
 */
export function qboPullApi(client: QboClient): QboPullApi {
  return {
    listAll: (entity: MirroredEntity, onFetched?: (fetched: number, total?: number) => void) =>
      listEverything(client, entity, onFetched),
    async read(entity, id) {
      try {
        return await client.read(entity, id);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    readPreferences: () => client.readPreferences(),
    async changesSince(entities, since, now) {
      const res = await pullChanges(client, { entities, since, now });
      return {
        changes: res.changes.map((c) => ({
          entity: c.entity,
          id: c.id,
          deleted: c.deleted,
          ...(c.record === undefined ? {} : { object: c.record }),
        })),
        nextSince: res.nextSince,
        mode: res.mode,
      };
    },
  };
}
