import { formatMoney, type QboSideAction } from "@ledgerlink/core";
import type { NewOutboundEvent } from "@ledgerlink/store";

/** `customer.merged`: a merge made in QBO that the app customer's link followed. */
export function qboMergeEvent(a: Extract<QboSideAction, { type: "repoint-link" }>): NewOutboundEvent {
  return {
    type: "customer.merged",
    subject: a.ref,
    data: {
      ref: a.ref,
      survivorId: null,
      mergedId: null,
      where: "quickbooks",
      fromQboId: a.fromQboId,
      toQboId: a.toQboId,
    },
  };
}

/** `invoice.paid`: a payment recorded in QBO left the app's invoice with nothing to pay. */
export function invoicePaidEvent(a: Extract<QboSideAction, { type: "invoice-payment" }>): NewOutboundEvent {
  return {
    type: "invoice.paid",
    subject: a.ref,
    data: {
      ref: a.ref,
      qboInvoiceId: a.qboInvoiceId,
      qboPaymentId: a.qboPaymentId,
      amount: formatMoney(a.amount),
      balance: formatMoney(a.balance),
    },
  };
}
