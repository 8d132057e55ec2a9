import { accountDef } from "./account.js";
import { companyInfoDef } from "./company-info.js";
import { creditMemoDef } from "./credit-memo.js";
import { customerDef } from "./customer.js";
import { employeeDef } from "./employee.js";
import type { EntityDef, EntityName } from "./entity-def.js";
import { invoiceDef } from "./invoice.js";
import { itemDef } from "./item.js";
import { paymentDef } from "./payment.js";
import { preferencesDef } from "./preferences.js";
import { taxCodeDef } from "./tax-code.js";
import { vendorDef } from "./vendor.js";

const defs: EntityDef[] = [
  customerDef,
  vendorDef,
  employeeDef,
  itemDef,
  accountDef,
  taxCodeDef,
  invoiceDef,
  creditMemoDef,
  paymentDef,
  preferencesDef,
  companyInfoDef,
];

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

export function allEntityDefs(): readonly EntityDef[] {
  return defs;
}
