import { Decimal } from "decimal.js";
import type { Realm } from "../realm.js";
import { toAmount } from "./amount.js";
import { refValue } from "./field-rules.js";

/**
 * Moves a customer's open balance by `delta`: its Balance, and BalanceWithJobs on it and every
 * ancestor (a job's invoices count towards its parents). Not a write: no SyncToken change, as in QBO.
 */
export function adjustCustomerBalance(realm: Realm, customerId: string | undefined, delta: Decimal): void {
  if (customerId === undefined || delta.isZero()) return;
  const customers = realm.table("Customer");
  const customer = customers.get(customerId);
  if (!customer) return;
  customer["Balance"] = toAmount(new Decimal(String(customer["Balance"] ?? 0)).plus(delta));
  let node: typeof customer | undefined = customer;
  for (let depth = 0; node && depth < 6; depth++) {
    node["BalanceWithJobs"] = toAmount(new Decimal(String(node["BalanceWithJobs"] ?? 0)).plus(delta));
    const parentId = refValue(node, "ParentRef");
    node = parentId === undefined ? undefined : customers.get(parentId);
  }
}

/** The balance effect of one stored transaction on its customer. */
export function openAmount(record: { [k: string]: unknown } | undefined, field: string): Decimal {
  const v = record?.[field];
  return new Decimal(typeof v === "number" ? String(v) : "0");
}
