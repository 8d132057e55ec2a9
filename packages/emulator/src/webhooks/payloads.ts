import { randomUUID } from "node:crypto";
import type { ChangeEvent } from "../realm.js";

/** The legacy body: one notification per realm listing its changed entities. */
export function legacyPayload(
  events: readonly ChangeEvent[],
  timestamp: (e: ChangeEvent) => string,
): unknown {
  const byRealm = new Map<string, ChangeEvent[]>();
  for (const e of events) byRealm.set(e.realmId, [...(byRealm.get(e.realmId) ?? []), e]);
  return {
    eventNotifications: [...byRealm].map(([realmId, list]) => ({
      realmId,
      dataChangeEvent: {
        entities: list.map((e) => ({
          name: e.entity,
          id: e.id,
          operation: e.operation,
          lastUpdated: timestamp(e),
          ...(e.deletedId === undefined ? {} : { deletedId: e.deletedId }),
        })),
      },
    })),
  };
}

const PAST_TENSE: Record<ChangeEvent["operation"], string> = {
  Create: "created",
  Update: "updated",
  Delete: "deleted",
  Void: "voided",
  Merge: "merged",
};

/** The CloudEvents body (Intuit's format from 2026): a JSON array, one event per change. */
export function cloudEventsPayload(events: readonly ChangeEvent[], source: string): unknown[] {
  return events.map((e) => ({
    specversion: "1.0",
    id: randomUUID(),
    source,
    type: `qbo.${e.entity.toLowerCase()}.${PAST_TENSE[e.operation]}.v1`,
    datacontenttype: "application/json",
    time: new Date(e.timeMs).toISOString(),
    intuitentityid: e.id,
    intuitaccountid: e.realmId,
    data: e.deletedId === undefined ? {} : { deletedid: e.deletedId },
  }));
}
