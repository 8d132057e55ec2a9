import type { MirroredEntity, QboPullApi } from "@ledgerlink/core";
import { pullChanges } from "./pull-changes.js";
import type { QboClient } from "./qbo-client.js";
import { QboFaultError } from "./qbo-error.js";
import { select } from "./query-builder.js";

/** QBO answers a read of a deleted (or never existing) object with fault 610, Object Not Found. */
const isNotFound = (e: unknown): boolean => e instanceof QboFaultError && e.code === "610";

/**
 * The QBO side of the mirror's pull (core's pullQbo) over one company's client: full listings with
 * inactive name-list records included, reads by id, Preferences, and CDC with its query fallback.
 * Throttling, retries and token refresh are the client's.
 */
export function qboPullApi(client: QboClient): QboPullApi {
  return {
    listAll: (entity: MirroredEntity) => client.listAll(select(entity)),
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
