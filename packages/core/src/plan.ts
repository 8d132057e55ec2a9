import { parentsFirst, type Customer } from "./customer.js";
import { customerToQbo } from "./customer-to-qbo.js";
import { fingerprint } from "./fingerprint.js";
import type { QboCustomer } from "./qbo-entities.js";
import { recordRef, type RecordRef } from "./record-ref.js";

/** What Ledgerlink knows about a local record that has been synced: its QBO twin. */
export interface Link {
  localId: string;
  qboId: string;
  syncToken: string;
  /** Fingerprint of the payload last written to (or confirmed in) QBO. */
  fingerprint: string;
  lastSyncedAt: string;
}

export type PlanAction = "create" | "update" | "skip" | "blocked";

export interface CustomerPlanStep {
  ref: RecordRef;
  localId: string;
  action: PlanAction;
  reason: string;
  /** The payload to send, without Id/SyncToken/ParentRef (resolved from links when executed). */
  payload: QboCustomer;
  fingerprint: string;
  /** The app's id of the parent; its QBO Id is looked up at execute time, after it was created. */
  parentLocalId?: string;
  link?: Link;
}

export interface CustomerPlanInput {
  customers: readonly Customer[];
  links: ReadonlyMap<string, Link>;
}

/**
 * Pure: decides, for each customer, what a sync would do. Parents come before children so a child's
 * ParentRef can be resolved. The dry run prints exactly this; the real run executes exactly this.
 */
export function planCustomers({ customers, links }: CustomerPlanInput): CustomerPlanStep[] {
  const ids = new Set(customers.map((c) => c.id));
  return parentsFirst(customers).map((c): CustomerPlanStep => {
    const payload = customerToQbo(c);
    const fp = fingerprint(payload);
    const base = { ref: recordRef("customer", c.id), localId: c.id, payload, fingerprint: fp };
    const withParent = c.parentId === undefined ? base : { ...base, parentLocalId: c.parentId };
    if (c.parentId !== undefined && !ids.has(c.parentId) && !links.has(c.parentId)) {
      return {
        ...withParent,
        action: "blocked",
        reason: `its parent customer ${recordRef("customer", c.parentId)} is not in the app's records`,
      };
    }
    const link = links.get(c.id);
    if (!link) return { ...withParent, action: "create", reason: "not in QuickBooks yet" };
    if (link.fingerprint === fp)
      return { ...withParent, link, action: "skip", reason: "unchanged since the last sync" };
    return { ...withParent, link, action: "update", reason: "changed since the last sync" };
  });
}
