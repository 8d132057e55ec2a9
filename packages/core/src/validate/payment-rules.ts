import { formatMoney } from "../money.js";
import { fix } from "./finding.js";
import { nameKey } from "./name-key.js";
import { qboRules } from "./qbo-rules.js";
import { paymentMatchKey, type ValidationContext } from "./validation-context.js";

/**
 * Payments: amounts, applications (to an invoice of the same customer that exists or is sent first,
 * up to its open balance), and the duplicate payment another integration already recorded.
 */
export function checkPayments(ctx: ValidationContext): void {
  // Open balance per invoice (QBO Id or app id), as the payments before use it up.
  const remainingQbo = new Map<string, number>();
  const remainingApp = new Map<string, number>();
  const linkedPaymentIds = new Set(ctx.paymentLinks.values());

  for (const p of ctx.payments) {
    const ref = ctx.ref("payment", p.id);
    const linked = ctx.paymentLinks.get(p.id);
    if (p.amount < 0) {
      ctx.add({
        ref,
        category: "invalid-data",
        severity: "blocks",
        field: "amount",
        message: `The payment amount ${formatMoney(p.amount)} is negative; a refund is recorded differently in QuickBooks.`,
        rule: qboRules.paymentAmount,
        fixes: [fix("edit-field", "Correct the amount in the app", { field: "amount" })],
      });
    }
    const applied = p.appliedTo.reduce((sum, a) => sum + a.amount, 0);
    // Only a payment that can be sent uses up invoice balances for the payments after it.
    const consumes = p.amount >= 0 && applied <= p.amount;
    if (p.amount >= 0 && applied > p.amount) {
      ctx.add({
        ref,
        category: "invalid-data",
        severity: "blocks",
        field: "appliedTo",
        message: `The payment applies ${formatMoney(applied)} to invoices but is only ${formatMoney(p.amount)}.`,
        rule: qboRules.paymentApplication,
        fixes: [
          fix("reduce-application", `Apply at most ${formatMoney(p.amount)} in total`, { max: p.amount }),
        ],
      });
    }
    const payerQboId = ctx.qboCustomerIdFor(p.customerId);

    p.appliedTo.forEach((a, i) => {
      // Reference and field texts are only built when there is something to say.
      const invoiceRef = (): string => ctx.ref("invoice", a.invoiceId);
      const qboId = ctx.invoiceLinks.get(a.invoiceId);
      const appInvoice = ctx.invoiceById.get(a.invoiceId);
      let balance: number;
      let sameCustomer: boolean;
      if (qboId !== undefined) {
        const q = ctx.qboInvoiceById.get(qboId);
        if (!q) {
          ctx.add({
            ref,
            category: "inactive-or-missing",
            severity: "blocks",
            field: `appliedTo[${i}].invoiceId`,
            message: `It is applied to ${invoiceRef()}, whose QuickBooks invoice (TxnId ${qboId}) no longer exists.`,
            rule: qboRules.paymentApplication,
            fixes: [
              fix("reduce-application", `Remove the application to ${invoiceRef()}`, {
                invoiceId: a.invoiceId,
                max: 0,
              }),
            ],
          });
          return;
        }
        balance = q.balance ?? q.total;
        // A payer not in QBO yet cannot own an invoice that is already there.
        sameCustomer = appInvoice ? appInvoice.customerId === p.customerId : q.customerId === payerQboId;
      } else if (appInvoice) {
        balance = ctx.totalOf(appInvoice);
        sameCustomer = appInvoice.customerId === p.customerId;
        ctx.add({
          ref,
          category: "inactive-or-missing",
          severity: "warns",
          field: `appliedTo[${i}].invoiceId`,
          message: `It is applied to ${invoiceRef()}, which is not in QuickBooks yet; it will be sent after that invoice.`,
          rule: qboRules.paymentApplication,
          fixes: [fix("sync-first", `Send ${invoiceRef()} first`, { ref: invoiceRef() })],
        });
      } else {
        ctx.add({
          ref,
          category: "inactive-or-missing",
          severity: "blocks",
          field: `appliedTo[${i}].invoiceId`,
          message: `It is applied to ${invoiceRef()}, which the app has not sent and which is not in QuickBooks.`,
          rule: qboRules.paymentApplication,
          fixes: [
            fix("sync-first", `Send ${invoiceRef()} from the app first`, { ref: invoiceRef() }),
            fix("reduce-application", `Remove the application to ${invoiceRef()}`, {
              invoiceId: a.invoiceId,
              max: 0,
            }),
          ],
        });
        return;
      }
      if (!sameCustomer) {
        ctx.add({
          ref,
          category: "invalid-data",
          severity: "blocks",
          field: `appliedTo[${i}].invoiceId`,
          message: `It is applied to ${invoiceRef()}, which belongs to a different customer.`,
          rule: qboRules.paymentApplication,
          fixes: [
            fix("reduce-application", `Remove the application to ${invoiceRef()}`, {
              invoiceId: a.invoiceId,
              max: 0,
            }),
          ],
        });
        return;
      }
      if (linked !== undefined) return; // already in QBO: its application is part of the balance QBO shows
      const remaining = qboId !== undefined ? remainingQbo : remainingApp;
      const key = qboId ?? a.invoiceId;
      const open = remaining.get(key) ?? balance;
      if (a.amount > open) {
        ctx.add({
          ref,
          category: "invalid-data",
          severity: "blocks",
          field: `appliedTo[${i}].amount`,
          message: `It applies ${formatMoney(a.amount)} to ${invoiceRef()}, but only ${formatMoney(Math.max(open, 0))} of that invoice is still open.`,
          rule: qboRules.paymentApplication,
          fixes: [
            fix("reduce-application", `Apply ${formatMoney(Math.max(open, 0))} to ${invoiceRef()}`, {
              invoiceId: a.invoiceId,
              max: Math.max(open, 0),
            }),
          ],
        });
      }
      if (consumes && a.amount <= open) remaining.set(key, open - a.amount);
    });

    if (linked !== undefined || payerQboId === undefined) continue;
    const sameDay = (
      ctx.paymentsByMatchKey.get(paymentMatchKey(payerQboId, p.amount, p.txnDate)) ?? []
    ).filter((q) => !linkedPaymentIds.has(q.id));
    if (sameDay.length === 0) continue;
    const reference = nameKey(p.reference ?? "");
    const exact = sameDay.find((q) => nameKey(q.reference ?? "") === reference);
    const other = exact ?? sameDay[0]!;
    ctx.add({
      ref,
      category: "duplicate",
      severity: exact ? "blocks" : "warns",
      message: exact
        ? `QuickBooks already has a payment from this customer for ${formatMoney(p.amount)} on ${p.txnDate}${p.reference ? ` with reference ${p.reference}` : ""} (TxnId ${exact.id}), probably recorded by another integration. Sending it would record the money twice.`
        : `QuickBooks has a payment from this customer for the same amount on the same day (TxnId ${other.id}) with a different reference; check it is not the same payment.`,
      rule: qboRules.duplicatePayment,
      fixes: [
        fix("link", `It is the same payment: link it to QuickBooks payment ${other.id}`, {
          entity: "Payment",
          qboId: other.id,
        }),
        fix("send-anyway", "It is a different payment: send it", {}),
        fix(
          "turn-off-other-integration",
          "Turn off payment sync in the other app that records these payments",
          {},
        ),
      ],
    });
  }
}
