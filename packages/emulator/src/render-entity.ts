import type { EntityDef, QboObject } from "./entities/entity-def.js";
import type { Realm } from "./realm.js";

/** The record as QBO sends it. Stored records are never handed out, so callers cannot mutate them. */
export function renderEntity(realm: Realm, def: EntityDef, record: QboObject): QboObject {
  return def.render ? def.render(realm, record) : record;
}
