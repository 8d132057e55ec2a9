import type { Handler } from "hono";
import type { QboObject } from "../entities/entity-def.js";
import { entityDef } from "../entities/registry.js";
import { faults } from "../fault.js";
import { handleFaults, jsonResponse } from "../http-response.js";
import { renderEntity } from "../render-entity.js";
import type { EmulatorEnv } from "../state.js";

export const CDC_LOOKBACK_DAYS = 30;
export const CDC_MAX_OBJECTS = 1000;
const DAY_MS = 86_400_000;

/**
 * `GET /cdc?entities=Customer,Invoice&changedSince=<ISO>`: everything changed since then (inactive
 * records included, deletions as `status: "Deleted"`), at most 30 days back and 1000 objects.
 */
export const cdc: Handler<EmulatorEnv> = (c) => {
  const realm = c.get("realm");
  return handleFaults(realm, () => {
    const entities = c.req.query("entities");
    const changedSince = c.req.query("changedSince");
    if (!entities) throw faults.required("entities");
    if (!changedSince) throw faults.required("changedSince");
    const sinceMs = Date.parse(changedSince);
    if (Number.isNaN(sinceMs))
      throw faults.malformedRequest(`changedSince is not a date-time: ${changedSince}`);
    const now = realm.nowMs();
    if (sinceMs < now - CDC_LOOKBACK_DAYS * DAY_MS)
      throw faults.businessRule(
        `changedSince must be within the last ${CDC_LOOKBACK_DAYS} days`,
        "changedSince",
      );
    // Timestamps have second precision, so compare from the start of changedSince's second.
    const since = Math.floor(sinceMs / 1000) * 1000;
    realm.tombstones = realm.tombstones.filter((t) => t.timeMs >= now - CDC_LOOKBACK_DAYS * DAY_MS);

    let budget = CDC_MAX_OBJECTS;
    const responses: QboObject[] = [];
    for (const name of entities
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean)) {
      const def = entityDef(name);
      if (!def) throw faults.malformedRequest(`CDC does not support entity ${name}`);
      const changed: QboObject[] = [];
      for (const record of realm.table(def.name).values()) {
        const meta = record["MetaData"] as { LastUpdatedTime: string };
        if (Date.parse(meta.LastUpdatedTime) >= since) changed.push(renderEntity(realm, def, record));
      }
      for (const t of realm.tombstones)
        if (t.entity === def.name && t.timeMs >= since)
          changed.push({
            Id: t.id,
            status: "Deleted",
            domain: "QBO",
            MetaData: { LastUpdatedTime: realm.timestamp(t.timeMs) },
          });
      changed.sort(
        (a, b) =>
          Date.parse((a["MetaData"] as { LastUpdatedTime: string }).LastUpdatedTime) -
          Date.parse((b["MetaData"] as { LastUpdatedTime: string }).LastUpdatedTime),
      );
      const page = changed.slice(0, Math.max(0, budget));
      budget -= page.length;
      responses.push(page.length > 0 ? { [def.name]: page, startPosition: 1, maxResults: page.length } : {});
    }
    return jsonResponse(200, { CDCResponse: [{ QueryResponse: responses }], time: realm.timestamp() });
  });
};
