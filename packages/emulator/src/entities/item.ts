import { faults } from "../fault.js";
import type { Realm } from "../realm.js";
import { optionalDecimal } from "./amount.js";
import type { EntityDef, QboObject } from "./entity-def.js";
import {
  checkLength,
  checkNameChars,
  normalizeKey,
  refValue,
  requireString,
  resolveRef,
  stringField,
} from "./field-rules.js";

export const ITEM_TYPES = ["Service", "Inventory", "NonInventory", "Group", "Category"] as const;

function itemPath(realm: Realm, record: QboObject): string {
  const parts = [String(record["Name"])];
  let parentId = refValue(record, "ParentRef");
  for (let depth = 0; parentId !== undefined && depth < 6; depth++) {
    const parent = realm.table("Item").get(parentId);
    if (!parent) break;
    parts.unshift(String(parent["Name"]));
    parentId = refValue(parent, "ParentRef");
  }
  return parts.join(":");
}

export const itemDef: EntityDef = {
  name: "Item",
  kind: "name",
  computedFields: ["FullyQualifiedName"],
  unique: [
    {
      scope: "item-name",
      field: "Name",
      key: (r) => normalizeKey(String(r["Name"])),
      fault: (_r, holder) => faults.duplicateItemName("product or service", holder.id),
    },
  ],
  prepare({ realm }, candidate) {
    candidate["Name"] = requireString(candidate, "Name").trim();
    checkNameChars(candidate, "Name");
    checkLength(candidate, "Name", 100);
    checkLength(candidate, "Sku", 100);
    checkLength(candidate, "Description", 4000);
    checkLength(candidate, "PurchaseDesc", 4000);
    const type = stringField(candidate, "Type") ?? "Service";
    if (!(ITEM_TYPES as readonly string[]).includes(type)) throw faults.invalidEnum("Type", type, ITEM_TYPES);
    candidate["Type"] = type;
    const needsIncome = type === "Service" || type === "Inventory";
    const income = resolveRef(realm, "Account", candidate, "IncomeAccountRef", { required: needsIncome });
    if (income) candidate["IncomeAccountRef"] = { value: income["Id"], name: income["Name"] };
    const isInventory = type === "Inventory";
    const asset = resolveRef(realm, "Account", candidate, "AssetAccountRef", { required: isInventory });
    if (asset) candidate["AssetAccountRef"] = { value: asset["Id"], name: asset["Name"] };
    const expense = resolveRef(realm, "Account", candidate, "ExpenseAccountRef", { required: isInventory });
    if (expense) candidate["ExpenseAccountRef"] = { value: expense["Id"], name: expense["Name"] };
    if (isInventory) {
      if (candidate["QtyOnHand"] === undefined) throw faults.required("QtyOnHand");
      if (candidate["InvStartDate"] === undefined) throw faults.required("InvStartDate");
      candidate["TrackQtyOnHand"] = true;
    }
    const price = optionalDecimal(candidate["UnitPrice"], "UnitPrice");
    if (price !== undefined) candidate["UnitPrice"] = price.toNumber();
    const parent = resolveRef(realm, "Item", candidate, "ParentRef", { required: false });
    candidate["SubItem"] = parent !== undefined;
    if (parent) candidate["ParentRef"] = { value: parent["Id"], name: parent["Name"] };
    if (candidate["Active"] === undefined) candidate["Active"] = true;
    if (candidate["Taxable"] === undefined) candidate["Taxable"] = false;
  },
  render: (realm, record) => ({ ...record, FullyQualifiedName: itemPath(realm, record) }),
};
