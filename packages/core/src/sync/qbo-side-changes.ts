import type { PulledChange } from "../mirror/qbo-mirror.js";
import { moneyFromQboAmount, type MinorUnits } from "../money.js";
import type { RecordRef } from "../record-ref.js";
import { entityOfRef, type RecordLink } from "./sync-plan.js";

/** What a change made in QBO means for the app's records. */
export type QboSideAction =
  | {
      /** The linked QBO customer was merged into another: follow it rather than re-create it. */
      type: "repoint-link";
      ref: RecordRef;
      fromQboId: string;
      toQboId: string;
      syncToken: string;
    }
  | {
      /** Merged in QBO into a customer another app customer is linked to: a person decides. */
      type: "merge-conflict";
      ref: RecordRef;
      otherRef: RecordRef;
      fromQboId: string;
      toQboId: string;
    }
  | {
      /** A payment recorded in QBO (not sent by us) reached one of the app's invoices. */
      type: "invoice-payment";
      ref: RecordRef;
      qboInvoiceId: string;
      qboPaymentId: string;
      amount: MinorUnits;
      /** The invoice's open balance in QBO now; 0 means paid. */
      balance: MinorUnits;
      paid: boolean;
    }
  | {
      /** The linked QBO record was deleted there; the next plan re-creates or blocks it. */
      type: "link-lost";
      ref: RecordRef;
      qboId: string;
    };

export interface QboSideChangeInput {
  changes: readonly PulledChange[];
  links: ReadonlyMap<RecordRef, RecordLink>;
  /** QBO's current objects by `Entity:Id`, after the pull. */
  objects: ReadonlyMap<string, Record<string, unknown>>;
}

const amountOf = (v: unknown): MinorUnits => (typeof v === "number" ? moneyFromQboAmount(v) : 0);

/**
 * Pure: reads what the pull found changed in QBO and says what it means for the app — a merge made in
 * QBO re-points the link (never a re-create), a payment recorded in QBO marks the app's invoice paid
 * or part-paid, a linked record deleted in QBO loses its link. Our own writes are not news.
 */
export function interpretQboChanges(input: QboSideChangeInput): QboSideAction[] {
  const byQbo = new Map<string, RecordRef>();
  for (const link of input.links.values()) byQbo.set(`${entityOfRef(link.ref)}:${link.qboId}`, link.ref);
  const out: QboSideAction[] = [];
  for (const ch of input.changes) {
    const key = `${ch.entity}:${ch.id}`;
    const mine = byQbo.get(key);
    if (ch.entity === "Customer" && ch.operation === "merge" && mine && ch.mergedIntoId !== undefined) {
      const other = byQbo.get(`Customer:${ch.mergedIntoId}`);
      if (other !== undefined && other !== mine) {
        out.push({
          type: "merge-conflict",
          ref: mine,
          otherRef: other,
          fromQboId: ch.id,
          toQboId: ch.mergedIntoId,
        });
        continue;
      }
      const survivor = input.objects.get(`Customer:${ch.mergedIntoId}`);
      out.push({
        type: "repoint-link",
        ref: mine,
        fromQboId: ch.id,
        toQboId: ch.mergedIntoId,
        syncToken: String(survivor?.["SyncToken"] ?? ""),
      });
      continue;
    }
    if (ch.operation === "delete" && mine) {
      out.push({ type: "link-lost", ref: mine, qboId: ch.id });
      continue;
    }
    if (ch.entity === "Payment" && ch.operation !== "delete" && mine === undefined) {
      const payment = input.objects.get(key);
      const lines = Array.isArray(payment?.["Line"]) ? (payment["Line"] as Record<string, unknown>[]) : [];
      for (const line of lines) {
        const linked = Array.isArray(line["LinkedTxn"])
          ? (line["LinkedTxn"] as Record<string, unknown>[])
          : [];
        for (const t of linked) {
          if (t["TxnType"] !== "Invoice") continue;
          const invoiceRef = byQbo.get(`Invoice:${String(t["TxnId"])}`);
          if (invoiceRef === undefined) continue;
          const invoice = input.objects.get(`Invoice:${String(t["TxnId"])}`);
          const balance = amountOf(invoice?.["Balance"]);
          out.push({
            type: "invoice-payment",
            ref: invoiceRef,
            qboInvoiceId: String(t["TxnId"]),
            qboPaymentId: ch.id,
            amount: amountOf(line["Amount"]),
            balance,
            paid: balance === 0,
          });
        }
      }
    }
  }
  return out;
}
