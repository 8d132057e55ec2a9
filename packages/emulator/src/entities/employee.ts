import type { EntityDef } from "./entity-def.js";
import { displayNameKey, preparePersonName, renderInactiveName } from "./person-name.js";

export const employeeDef: EntityDef = {
  name: "Employee",
  kind: "name",
  unique: [displayNameKey],
  prepare(_ctx, candidate, existing) {
    // Employees have no CompanyName; their DisplayName comes from the name parts only.
    preparePersonName(candidate, existing, { fallbackToCompanyName: false });
  },
  render: (_realm, record) => renderInactiveName(record),
};
