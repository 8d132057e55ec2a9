import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SalesLine } from "../records/sales-document-record.js";
import { lineAmount } from "./line-amount.js";
import { showcaseSnapshot } from "./rule-showcase.js";
import { validate } from "./validate.js";

const links = {
  customers: new Map([["acme", "3"]]),
  items: new Map([
    ["labor", "10"],
    ["oldwidget", "11"],
  ]),
};
const doc = (lines: SalesLine[], total?: number) => ({
  id: "1",
  customerId: "acme",
  txnDate: "2025-03-01" as const,
  lines,
  ...(total === undefined ? {} : { total }),
});
const amountFindings = (kind: "invoices" | "creditMemos", lines: SalesLine[], total?: number) =>
  validate(
    { [kind]: [doc(lines, total)], links, reactivations: [{ entity: "Item", qboId: "11" }] },
    showcaseSnapshot(),
  );

describe("lineAmount", () => {
  it("is exact where floats are not, and rounds half away from zero", () => {
    expect(lineAmount({ qty: "3", unitPrice: "0.1" })).toBe(30); // 0.1 * 3 = 0.30000000000000004 in floats
    expect(lineAmount({ qty: "1", unitPrice: "0.005" })).toBe(1);
    expect(lineAmount({ qty: "-1", unitPrice: "0.005" })).toBe(-1);
    expect(lineAmount({ qty: "3", unitPrice: "0.3333" })).toBe(100);
    expect(lineAmount({ qty: "1.5", unitPrice: "19.99" })).toBe(2999); // 29.985 → 29.99
    expect(lineAmount({ qty: "123456789.123", unitPrice: "98765.4321" })).toBe(
      new Decimal("123456789.123")
        .times("98765.4321")
        .times(100)
        .toDecimalPlaces(0, Decimal.ROUND_HALF_UP)
        .toNumber(),
    );
  });

  it("agrees with decimal.js on any quantity and price", () => {
    const decimal = fc
      .tuple(fc.integer({ min: -99_999, max: 99_999 }), fc.integer({ min: 0, max: 4 }))
      .map(([n, places]) => new Decimal(n).div(10 ** places).toFixed());
    fc.assert(
      fc.property(decimal, decimal, (qty, unitPrice) => {
        const expected = new Decimal(qty)
          .times(unitPrice)
          .times(100)
          .toDecimalPlaces(0, Decimal.ROUND_HALF_UP)
          .toNumber();
        expect(lineAmount({ qty, unitPrice })).toBe(expected + 0); // + 0: money has no negative zero
      }),
      { numRuns: 2000 },
    );
  });
});

describe("amount rules", () => {
  it("accepts a line amount equal to qty × unit price", () => {
    expect(
      amountFindings("invoices", [{ itemId: "labor", qty: "3", unitPrice: "0.3333", amount: 100 }]),
    ).toEqual([]);
  });

  it("blocks a rounding-cent difference with a safe fix, and a real mismatch with two manual fixes", () => {
    const [rounding] = amountFindings("invoices", [
      { itemId: "labor", qty: "3", unitPrice: "0.3333", amount: 99 },
    ]);
    expect(rounding).toMatchObject({ rule: { id: "document.line-amount" }, field: "lines[0].amount" });
    expect(rounding!.fixes[0]).toMatchObject({ action: "fix-amount", safe: true, params: { value: 100 } });
    const [mismatch] = amountFindings("invoices", [
      { itemId: "labor", qty: "4", unitPrice: "10", amount: 5000 },
    ]);
    expect(mismatch!.fixes.map((f) => [f.action, f.safe, f.params["value"]])).toEqual([
      ["fix-amount", false, 4000],
      ["fix-unit-price", false, "12.5"],
    ]);
  });

  it("warns when the app's total differs from the lines QBO will add up", () => {
    const findings = amountFindings("invoices", [{ itemId: "labor", qty: "2", unitPrice: "10" }], 2500);
    expect(findings.map((f) => [f.rule.id, f.severity])).toEqual([["document.total", "warns"]]);
  });

  it("refuses negative quantities of inventory on invoices and any on credit memos; warns on service lines", () => {
    const inventory = amountFindings("invoices", [
      { itemId: "labor", qty: "10", unitPrice: "5" },
      { itemId: "oldwidget", qty: "-1", unitPrice: "5" },
    ]);
    expect(inventory.map((f) => [f.rule.id, f.severity])).toEqual([["document.negative-quantity", "blocks"]]);
    const service = amountFindings("invoices", [
      { itemId: "labor", qty: "10", unitPrice: "5" },
      { itemId: "labor", qty: "-1", unitPrice: "5" },
    ]);
    expect(service.map((f) => [f.rule.id, f.severity])).toEqual([["document.negative-quantity", "warns"]]);
    const memo = amountFindings("creditMemos", [
      { itemId: "labor", qty: "3", unitPrice: "5" },
      { itemId: "labor", qty: "-1", unitPrice: "5" },
    ]);
    expect(memo.map((f) => [f.rule.id, f.severity])).toEqual([["document.negative-quantity", "blocks"]]);
  });

  it("refuses a negative total and suggests the other document type", () => {
    const [f] = amountFindings("invoices", [{ itemId: "labor", qty: "1", unitPrice: "-5" }]);
    expect(f).toMatchObject({ rule: { id: "document.negative-total" } });
    expect(f!.fixes[0]!.action).toBe("use-credit-memo");
  });
});
