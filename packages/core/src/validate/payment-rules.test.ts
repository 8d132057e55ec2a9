import { describe, expect, it } from "vitest";
import type { InvoiceRecord } from "../records/sales-document-record.js";
import type { PaymentRecord } from "../records/payment-record.js";
import { showcaseSnapshot } from "./rule-showcase.js";
import { validate } from "./validate.js";

const links = {
  customers: new Map([
    ["acme", "3"],
    ["harbor", "1"],
  ]),
  items: new Map([["labor", "10"]]),
  invoices: new Map([["paid", "500"]]),
};
const pay = (id: string, fields: Partial<PaymentRecord> = {}): PaymentRecord => ({
  id,
  customerId: "acme",
  amount: 1000,
  txnDate: "2025-03-05",
  appliedTo: [],
  ...fields,
});
const newInvoice: InvoiceRecord = {
  id: "new",
  customerId: "acme",
  txnDate: "2025-03-01",
  lines: [{ itemId: "labor", qty: "1", unitPrice: "30" }],
};
const run = (payments: PaymentRecord[], invoices: InvoiceRecord[] = []) =>
  validate({ payments, invoices, links }, showcaseSnapshot());
const summary = (findings: ReturnType<typeof run>) => findings.map((f) => [f.ref, f.rule.id, f.severity]);

describe("payment rules", () => {
  it("blocks a payment another integration already recorded (same customer, amount, date, reference)", () => {
    const findings = run([pay("p", { amount: 2500, txnDate: "2025-02-05", reference: "CH_123" })]);
    expect(summary(findings)).toEqual([["PMT:p", "payment.duplicate", "blocks"]]);
    expect(findings[0]!.category).toBe("duplicate");
    expect(findings[0]!.fixes.map((f) => f.action)).toEqual([
      "link",
      "send-anyway",
      "turn-off-other-integration",
    ]);
    expect(findings[0]!.fixes[0]!.params).toEqual({ entity: "Payment", qboId: "600" });
  });

  it("only warns when the reference differs, and says nothing when the amount or day differs", () => {
    expect(summary(run([pay("p", { amount: 2500, txnDate: "2025-02-05", reference: "other" })]))).toEqual([
      ["PMT:p", "payment.duplicate", "warns"],
    ]);
    expect(run([pay("p", { amount: 2501, txnDate: "2025-02-05", reference: "ch_123" })])).toEqual([]);
    expect(run([pay("p", { amount: 2500, txnDate: "2025-02-06", reference: "ch_123" })])).toEqual([]);
    // Already linked: it is that payment.
    expect(
      validate(
        {
          payments: [pay("p", { amount: 2500, txnDate: "2025-02-05", reference: "ch_123" })],
          links: { ...links, payments: new Map([["p", "600"]]) },
        },
        showcaseSnapshot(),
      ),
    ).toEqual([]);
  });

  it("applies up to the invoice's open balance, counting earlier payments in the batch", () => {
    expect(run([pay("a", { appliedTo: [{ invoiceId: "paid", amount: 4000 }] })]).length).toBe(1); // 40.00 open: ok
    const findings = run([
      pay("a", { amount: 3000, appliedTo: [{ invoiceId: "paid", amount: 3000 }] }),
      pay("b", { amount: 2000, appliedTo: [{ invoiceId: "paid", amount: 2000 }] }),
    ]);
    expect(summary(findings)).toEqual([["PMT:b", "payment.application", "blocks"]]);
    expect(findings[0]!.fixes[0]).toMatchObject({ action: "reduce-application", params: { max: 1000 } });
  });

  it("blocks applying more than the payment itself", () => {
    const findings = run([pay("a", { amount: 1000, appliedTo: [{ invoiceId: "paid", amount: 1500 }] })]);
    expect(findings.map((f) => f.field)).toEqual(["appliedTo"]);
  });

  it("warns about an invoice sent in the same batch, blocks one that exists nowhere", () => {
    const findings = run(
      [
        pay("a", { amount: 3000, appliedTo: [{ invoiceId: "new", amount: 3000 }] }),
        pay("b", { appliedTo: [{ invoiceId: "nowhere", amount: 1000 }] }),
      ],
      [newInvoice],
    );
    expect(summary(findings)).toEqual([
      ["PMT:a", "payment.application", "warns"],
      ["PMT:b", "payment.application", "blocks"],
    ]);
  });

  it("blocks a payment applied to another customer's invoice, and a negative payment", () => {
    expect(
      summary(run([pay("a", { customerId: "harbor", appliedTo: [{ invoiceId: "paid", amount: 100 }] })])),
    ).toEqual([["PMT:a", "payment.application", "blocks"]]);
    expect(summary(run([pay("a", { amount: -100 })]))).toEqual([["PMT:a", "payment.amount", "blocks"]]);
  });

  it("waits for an invoice that is itself blocked", () => {
    const blockedInvoice = { ...newInvoice, txnDate: "2024-01-01" as const }; // closed period
    const findings = run(
      [pay("a", { amount: 3000, appliedTo: [{ invoiceId: "new", amount: 3000 }] })],
      [blockedInvoice],
    );
    expect(summary(findings).filter(([ref]) => ref === "PMT:a")).toEqual([
      ["PMT:a", "payment.application", "warns"],
      ["PMT:a", "dependency.blocked", "blocks"],
    ]);
    expect(findings.find((f) => f.rule.id === "dependency.blocked")!.category).toBe("closed-period");
  });
});
