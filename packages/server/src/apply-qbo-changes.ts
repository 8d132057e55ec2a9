import { formatMoney, interpretQboChanges, type PullResult, type SyncEvent } from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import { invoicePaidEvent, qboMergeEvent } from "./outbound/outbound-qbo-events.js";

/**
 * Two-way: after a pull, what changed in QBO is applied to the app's side — a merge made in QBO
 * re-points the link, a payment recorded in QBO marks the app's invoice paid (audit entry and event,
 * so the integrator hears of it), a deletion made in QBO is raised for a person.
 */
export async function applyQboChanges(o: {
  store: Store;
  companyId: string;
  pulled: PullResult;
  at: string;
  onEvent?: (event: SyncEvent) => void;
}): Promise<void> {
  if (o.pulled.changes.length === 0) return;
  const company = o.store.company(o.companyId);
  const engine = company.sync;
  const links = await engine.listLinks();
  const wanted = new Map<string, string[]>();
  for (const ch of o.pulled.changes) {
    const add = (entity: string, id: string) => wanted.set(entity, [...(wanted.get(entity) ?? []), id]);
    add(ch.entity, ch.id);
    if (ch.mergedIntoId !== undefined) add("Customer", ch.mergedIntoId);
  }
  const objects = new Map<string, Record<string, unknown>>();
  for (const [entity, ids] of wanted) {
    for (const obj of await company.qbo.getObjects(entity as never, ids))
      objects.set(`${entity}:${obj.id}`, obj.data as Record<string, unknown>);
  }
  // Invoices a QBO payment points at, for their balance.
  for (const ch of o.pulled.changes) {
    if (ch.entity !== "Payment") continue;
    const lines = (objects.get(`Payment:${ch.id}`)?.["Line"] as Record<string, unknown>[] | undefined) ?? [];
    const ids = lines.flatMap((l) =>
      ((l["LinkedTxn"] as Record<string, unknown>[] | undefined) ?? []).map((t) => String(t["TxnId"])),
    );
    for (const obj of await company.qbo.getObjects("Invoice", ids))
      objects.set(`Invoice:${obj.id}`, obj.data as Record<string, unknown>);
  }
  const actions = interpretQboChanges({ changes: o.pulled.changes, links, objects });
  for (const action of actions) {
    switch (action.type) {
      case "repoint-link":
        await engine.repointLink(action.ref, action.toQboId, action.syncToken, "quickbooks", o.at);
        await company.outbound.write([qboMergeEvent(action)], o.at);
        break;
      case "merge-conflict":
        await engine.raiseProblem(
          action.ref,
          {
            category: "duplicate",
            code: "merged-in-qbo",
            message: `Merged in QuickBooks into customer ${action.toQboId}, which ${action.otherRef} is linked to: merge ${action.ref} into ${action.otherRef} in Ledgerlink too, or link it to another customer.`,
          },
          o.at,
        );
        break;
      case "invoice-payment":
        await engine.audit({
          ref: action.ref,
          action: action.paid ? "qbo.invoice.paid" : "qbo.invoice.part-paid",
          actor: "quickbooks",
          detail: {
            qboInvoiceId: action.qboInvoiceId,
            qboPaymentId: action.qboPaymentId,
            amount: formatMoney(action.amount),
            balance: formatMoney(action.balance),
          },
        });
        if (action.paid) await company.outbound.write([invoicePaidEvent(action)], o.at);
        break;
      case "link-lost":
        await engine.raiseProblem(
          action.ref,
          {
            category: "inactive-or-missing",
            code: "deleted-in-qbo",
            message: `Deleted in QuickBooks (it was ${action.qboId}); send it again, or delete it in the app too.`,
          },
          o.at,
        );
        break;
    }
    o.onEvent?.({ type: "qbo-change", companyId: o.companyId, action });
  }
}
