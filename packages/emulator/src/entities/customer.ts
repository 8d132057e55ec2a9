import { faults } from "../fault.js";
import type { Realm } from "../realm.js";
import type { EntityDef, QboObject } from "./entity-def.js";
import { booleanField, refValue } from "./field-rules.js";
import { displayNameKey, preparePersonName, renderInactiveName } from "./person-name.js";

/** QBO allows sub-customers at most four levels below the top-level customer. */
export const MAX_CUSTOMER_LEVEL = 4;

function fullyQualifiedName(realm: Realm, record: QboObject): { fqn: string; level: number } {
  const parts = [String(record["DisplayName"])];
  let parentId = refValue(record, "ParentRef");
  const seen = new Set<string>();
  while (parentId !== undefined && !seen.has(parentId)) {
    seen.add(parentId);
    const parent = realm.table("Customer").get(parentId);
    if (!parent) break;
    parts.unshift(String(parent["DisplayName"]));
    parentId = refValue(parent, "ParentRef");
  }
  return { fqn: parts.join(":"), level: parts.length - 1 };
}

function isDescendant(realm: Realm, candidateParentId: string, customerId: string): boolean {
  let id: string | undefined = candidateParentId;
  for (let depth = 0; id !== undefined && depth <= MAX_CUSTOMER_LEVEL + 1; depth++) {
    if (id === customerId) return true;
    const rec = realm.table("Customer").get(id);
    id = rec ? refValue(rec, "ParentRef") : undefined;
  }
  return false;
}

function deepestChildDepth(realm: Realm, customerId: string): number {
  let deepest = 0;
  for (const rec of realm.table("Customer").values()) {
    if (refValue(rec, "ParentRef") === customerId)
      deepest = Math.max(deepest, 1 + deepestChildDepth(realm, String(rec["Id"])));
  }
  return deepest;
}

export const customerDef: EntityDef = {
  name: "Customer",
  kind: "name",
  unique: [displayNameKey],
  keepOnFullUpdate: ["Balance", "BalanceWithJobs"],
  computedFields: ["FullyQualifiedName", "Level"],
  prepare(ctx, candidate, existing) {
    preparePersonName(candidate, existing, { fallbackToCompanyName: true });
    const { realm } = ctx;
    const parentId = refValue(candidate, "ParentRef");
    const job = booleanField(candidate, "Job", parentId !== undefined);
    if (existing && refValue(existing, "ParentRef") !== undefined && parentId === undefined)
      throw faults.businessRule("A sub-customer cannot be made a top-level customer again", "ParentRef");
    if (parentId !== undefined) {
      const parent = realm.table("Customer").get(parentId);
      if (!parent) throw faults.objectNotFound(`ParentRef: Customer Id=${parentId} does not exist`);
      if (parent["Active"] === false && candidate["Active"] !== false)
        throw faults.objectNotFound(`ParentRef: Customer Id=${parentId} is inactive`);
      if (existing && isDescendant(realm, parentId, String(existing["Id"])))
        throw faults.businessRule(
          "A customer cannot be its own parent or a parent of its parent",
          "ParentRef",
        );
      const parentLevel = fullyQualifiedName(realm, parent).level;
      const below = existing ? deepestChildDepth(realm, String(existing["Id"])) : 0;
      if (parentLevel + 1 + below > MAX_CUSTOMER_LEVEL)
        throw faults.businessRule(
          `Sub-customers can be at most ${MAX_CUSTOMER_LEVEL} levels below the top-level customer`,
          "ParentRef",
        );
      candidate["Job"] = true;
      candidate["ParentRef"] = { value: parentId, name: String(parent["DisplayName"]) };
    } else {
      if (job) throw faults.required("ParentRef");
      candidate["Job"] = false;
      delete candidate["ParentRef"];
    }
    candidate["BillWithParent"] = booleanField(candidate, "BillWithParent", false);
    candidate["Balance"] = existing?.["Balance"] ?? 0;
    candidate["BalanceWithJobs"] = existing?.["BalanceWithJobs"] ?? 0;
    if (candidate["Taxable"] === undefined) candidate["Taxable"] = false;
  },
  render(realm, record) {
    const { fqn, level } = fullyQualifiedName(realm, record);
    const out: QboObject = { ...record, FullyQualifiedName: fqn };
    if (level > 0) out["Level"] = level;
    else delete out["Level"];
    return renderInactiveName(out);
  },
};
