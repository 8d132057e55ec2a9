import type { EntityDef } from "./entity-def.js";

/** TaxCode is read-only through the accounting API (codes are made by QBO's tax engine). */
export const taxCodeDef: EntityDef = {
  name: "TaxCode",
  kind: "readonly",
  prepare() {},
};
