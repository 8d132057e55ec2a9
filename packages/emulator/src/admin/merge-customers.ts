import { Decimal } from "decimal.js";
import { adjustCustomerBalance } from "../entities/customer-balance.js";
import type { EntityName, QboObject } from "../entities/entity-def.js";
import { entityDefOf } from "../entities/registry.js";
import { refValue } from "../entities/field-rules.js";
import type { Realm } from "../realm.js";
import { renderEntity } from "../render-entity.js";

export interface CustomerMergeResult {
  /** The customer merged away, as QBO now shows it (inactive, " (deleted)"). */
  merged: QboObject;
  survivor: QboObject;
  /** The transactions that now belong to the survivor. */
  moved: { entity: EntityName; id: string }[];
}

/** A merge the web UI would refuse; the admin API answers it with 400 and the message. */
export class CustomerMergeError extends Error {
  override readonly name = "CustomerMergeError" as const;
}

const MOVED_ENTITIES: readonly EntityName[] = ["Invoice", "CreditMemo", "Payment"];

/**
 * What QBO's web UI does when a customer is renamed to another's name and the user agrees to merge
 * (the API has no merge, QBO-API.md): the merged customer's invoices, credit memos and payments move
 * to the survivor with its open balance, the merged customer becomes inactive (shown with
 * " (deleted)"), every record touched gets a new SyncToken and LastUpdatedTime (so CDC reports them),
 * and webhooks say `Merge` on the survivor with the merged customer's id as `deletedId`. A customer
 * with sub-customers cannot be merged (QBO asks for its sub-customers to be moved first).
 */
export function mergeCustomers(realm: Realm, fromId: unknown, intoId: unknown): CustomerMergeResult {
  if (typeof fromId !== "string" || fromId === "")
    throw new CustomerMergeError("fromId (the customer merged away) must be a customer Id");
  if (typeof intoId !== "string" || intoId === "")
    throw new CustomerMergeError("intoId (the surviving customer) must be a customer Id");
  if (fromId === intoId)
    throw new CustomerMergeError(`fromId and intoId are both ${fromId}: a customer cannot merge into itself`);
  const customers = realm.table("Customer");
  const from = customers.get(fromId);
  const into = customers.get(intoId);
  if (!from) throw new CustomerMergeError(`fromId: no Customer with Id ${fromId}`);
  if (!into) throw new CustomerMergeError(`intoId: no Customer with Id ${intoId}`);
  if (from["Active"] === false)
    throw new CustomerMergeError(`fromId: Customer ${fromId} is inactive (already deleted or merged)`);
  if (into["Active"] === false) throw new CustomerMergeError(`intoId: Customer ${intoId} is inactive`);
  const children = [...customers.values()]
    .filter((c) => refValue(c, "ParentRef") === fromId)
    .map((c) => String(c["Id"]));
  if (children.length > 0)
    throw new CustomerMergeError(
      `fromId: Customer ${fromId} has sub-customers (${children.join(", ")}); move them before merging it`,
    );

  const now = realm.timestamp();
  const touch = (record: QboObject): void => {
    record["SyncToken"] = String(Number(record["SyncToken"]) + 1);
    const meta = record["MetaData"] as { CreateTime: string };
    record["MetaData"] = { CreateTime: meta.CreateTime, LastUpdatedTime: now };
  };
  const moved: { entity: EntityName; id: string }[] = [];
  for (const entity of MOVED_ENTITIES) {
    for (const record of realm.table(entity).values()) {
      if (refValue(record, "CustomerRef") !== fromId) continue;
      record["CustomerRef"] = { value: intoId, name: String(into["DisplayName"]) };
      touch(record);
      moved.push({ entity, id: String(record["Id"]) });
    }
  }
  // The open balance goes with the transactions (and up each customer's parents).
  const balance = new Decimal(String(from["Balance"] ?? 0));
  adjustCustomerBalance(realm, fromId, balance.negated());
  adjustCustomerBalance(realm, intoId, balance);
  from["Active"] = false;
  touch(from);
  touch(into);

  for (const m of moved) realm.emitChange(m.entity, m.id, "Update");
  realm.emitChange("Customer", intoId, "Merge", fromId);
  const def = entityDefOf("Customer");
  return {
    merged: structuredClone(renderEntity(realm, def, from)),
    survivor: structuredClone(renderEntity(realm, def, into)),
    moved,
  };
}
