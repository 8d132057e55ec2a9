import { describe, expect, it } from "vitest";
import type { InvoiceRecord } from "../records/sales-document-record.js";
import { showcaseSnapshot } from "./rule-showcase.js";
import { validate } from "./validate.js";

const inv = (id: string, docNumber: string, extra: Partial<InvoiceRecord> = {}): InvoiceRecord => ({
  id,
  docNumber,
  customerId: "acme",
  txnDate: "2025-03-01",
  lines: [{ itemId: "labor", qty: "1", unitPrice: "10" }],
  ...extra,
});
const links = {
  customers: new Map([
    ["acme", "3"],
    ["harbor", "1"],
  ]),
  items: new Map([["labor", "10"]]),
};
const run = (invoices: InvoiceRecord[], snapshot = showcaseSnapshot(), extraLinks = {}) =>
  validate({ invoices, links: { ...links, ...extraLinks } }, snapshot).filter((f) =>
    f.rule.id.startsWith("document."),
  );

describe("DocNumber rules", () => {
  it("allows 21 characters and blocks 22, offering a unique shortened number", () => {
    expect(run([inv("a", "X".repeat(21))])).toEqual([]);
    const [f] = run([inv("a", "X".repeat(22))]);
    expect(f).toMatchObject({ ref: "INV:a", rule: { id: "document.docnumber-length" }, field: "docNumber" });
    const shortened = String(f!.fixes[0]!.params["value"]);
    expect(f!.fixes[0]).toMatchObject({ action: "shorten-docnumber", safe: true });
    expect(shortened.length).toBeLessThanOrEqual(21);
  });

  it("shortens a long number to the same value once QBO holds it as the document's own (no update every sync)", () => {
    const [first] = run([inv("a", "WO-2026-000123-REV2-FINAL")]);
    const shortened = String(first!.fixes[0]!.params["value"]);
    const base = showcaseSnapshot();
    const snapshot = {
      ...base,
      documents: [
        ...base.documents,
        // Invoice 900 in QBO: the shortened number, sent by the last sync and linked to INV:a.
        { ...base.documents[0]!, type: "Invoice" as const, id: "900", docNumber: shortened },
      ],
    };
    const [again] = run([inv("a", "WO-2026-000123-REV2-FINAL")], snapshot, {
      invoices: new Map([["a", "900"]]),
    });
    expect(again!.fixes[0]!.params["value"]).toBe(shortened);
  });

  it("gives two long numbers with the same tail different shortened numbers", () => {
    const findings = run([inv("a", "NORTH-BRANCH-2025-000123"), inv("b", "SOUTH-BRANCH-2025-000123")]);
    const values = findings.map((f) => f.fixes[0]!.params["value"]);
    expect(new Set(values).size).toBe(2);
  });

  it("blocks a number used by another invoice or by a credit memo in QBO, case-insensitively", () => {
    const findings = run([inv("a", "1001"), inv("b", "cm-9")]);
    expect(findings.map((f) => [f.ref, f.rule.id])).toEqual([
      ["INV:a", "document.docnumber-taken"],
      ["INV:b", "document.docnumber-taken"],
    ]);
    expect(findings[0]!.message).toContain("different invoice (TxnId 500");
    expect(findings[1]!.message).toContain("different credit memo (TxnId 501");
    expect(findings[0]!.fixes.map((f) => f.action)).toEqual([
      "renumber",
      "remove-in-qbo",
      "allow-duplicate-docnumber",
    ]);
    expect(findings[0]!.fixes[0]!.params["value"]).toBe("1001-2");
  });

  it("recognises the same document typed into QBO by hand and offers to link it", () => {
    const [f] = run([
      inv("h", "2002", {
        customerId: "harbor",
        txnDate: "2025-02-01",
        lines: [{ itemId: "labor", qty: "5", unitPrice: "10" }],
      }),
    ]);
    expect(f!.message).toContain("probably entered by hand");
    expect(f!.fixes[0]).toMatchObject({ action: "link", params: { entity: "Invoice", qboId: "502" } });
  });

  it("does not flag a document against its own linked QBO copy", () => {
    expect(run([inv("paid", "1001")], showcaseSnapshot(), { invoices: new Map([["paid", "500"]]) })).toEqual(
      [],
    );
  });

  it("blocks the second of two app documents with the same number, invoice or credit memo", () => {
    const findings = validate(
      {
        invoices: [inv("a", "7000")],
        creditMemos: [
          {
            id: "m",
            docNumber: "7000",
            customerId: "acme",
            txnDate: "2025-03-01",
            lines: [{ itemId: "labor", qty: "1", unitPrice: "1" }],
          },
        ],
        links,
      },
      showcaseSnapshot(),
    );
    expect(findings.map((f) => [f.ref, f.rule.id])).toEqual([
      ["CM:m", "document.docnumber-duplicate-in-app"],
    ]);
  });

  it("with custom transaction numbers off, warns and offers to let QBO number it", () => {
    const snapshot = { ...showcaseSnapshot(), preferences: { customTxnNumbers: false } };
    const findings = run([inv("a", "X".repeat(30)), inv("b", "1001")], snapshot);
    expect(findings.map((f) => [f.ref, f.rule.id, f.severity])).toEqual([
      ["INV:a", "document.numbering-mode", "warns"],
      ["INV:b", "document.numbering-mode", "warns"],
    ]);
    expect(findings[0]!.fixes[0]).toMatchObject({ action: "let-qbo-number", safe: true });
  });

  it("blocks a transaction dated on the closing date and accepts the day after", () => {
    const findings = run([
      inv("a", "8000", { txnDate: "2024-12-31" }),
      inv("b", "8001", { txnDate: "2025-01-01" }),
    ]);
    expect(findings.map((f) => [f.ref, f.rule.id, f.category])).toEqual([
      ["INV:a", "document.closed-period", "closed-period"],
    ]);
    expect(findings[0]!.fixes[0]).toMatchObject({ action: "change-date", params: { value: "2025-01-01" } });
    const payments = validate(
      {
        payments: [{ id: "p", customerId: "acme", amount: 100, txnDate: "2024-06-30", appliedTo: [] }],
        links,
      },
      showcaseSnapshot(),
    );
    expect(payments.map((f) => f.rule.id)).toEqual(["document.closed-period"]);
  });
});
