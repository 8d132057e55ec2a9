import { customerDef } from "./customer.js";
import { employeeDef } from "./employee.js";
import type { EntityDef, EntityName } from "./entity-def.js";
import { vendorDef } from "./vendor.js";

const defs: EntityDef[] = [customerDef, vendorDef, employeeDef];

const byLowerName = new Map<string, EntityDef>(defs.map((d) => [d.name.toLowerCase(), d]));

/** The rules for an entity named in a URL path or a query (case-insensitive), if QBO has it. */
export function entityDef(name: string): EntityDef | undefined {
  return byLowerName.get(name.toLowerCase());
}

export function entityDefOf(name: EntityName): EntityDef {
  const def = byLowerName.get(name.toLowerCase());
  if (!def) throw new Error(`no rules for entity ${name}`);
  return def;
}

export function registerEntity(def: EntityDef): void {
  defs.push(def);
  byLowerName.set(def.name.toLowerCase(), def);
}

export function allEntityDefs(): readonly EntityDef[] {
  return defs;
}
