import type { EntityDef } from "./entity-def.js";
import { displayNameKey, preparePersonName, renderInactiveName } from "./person-name.js";

export const vendorDef: EntityDef = {
  name: "Vendor",
  kind: "name",
  unique: [displayNameKey],
  keepOnFullUpdate: ["Balance"],
  prepare(_ctx, candidate, existing) {
    preparePersonName(candidate, existing, { fallbackToCompanyName: true });
    candidate["Balance"] = existing?.["Balance"] ?? 0;
  },
  render: (_realm, record) => renderInactiveName(record),
};
