import { describe, expect, it } from "vitest";
import type { ItemRecord } from "../records/item-record.js";
import type { InvoiceRecord, SalesLine } from "../records/sales-document-record.js";
import { resolvePolicy } from "./policy.js";
import { showcaseSnapshot } from "./rule-showcase.js";
import { validate } from "./validate.js";

const links = {
  customers: new Map([
    ["acme", "3"],
    ["dormant", "4"],
    ["gone", "999"],
  ]),
  items: new Map([
    ["labor", "10"],
    ["oldwidget", "11"],
    ["lost", "998"],
  ]),
};
const inv = (customerId: string, lines: SalesLine[]): InvoiceRecord => ({
  id: "1",
  customerId,
  txnDate: "2025-03-01",
  lines,
});
const line = (itemId?: string, taxCode?: string): SalesLine => ({
  ...(itemId === undefined ? {} : { itemId }),
  ...(taxCode === undefined ? {} : { taxCode }),
  qty: "1",
  unitPrice: "10",
});
const rules = (invoice: InvoiceRecord, items: ItemRecord[] = [], snapshot = showcaseSnapshot()) =>
  validate({ invoices: [invoice], items, links }, snapshot).map((f) => [
    f.rule.id,
    f.category,
    f.field ?? "",
  ]);

describe("reference rules", () => {
  it("checks the customer: linked and active passes; inactive, gone or unknown blocks", () => {
    expect(rules(inv("acme", [line("labor")]))).toEqual([]);
    expect(rules(inv("dormant", [line("labor")]))).toEqual([
      ["reference.inactive", "inactive-or-missing", "customerId"],
    ]);
    expect(rules(inv("gone", [line("labor")]))).toEqual([
      ["reference.missing", "inactive-or-missing", "customerId"],
    ]);
    expect(rules(inv("stranger", [line("labor")]))).toEqual([
      ["reference.missing", "inactive-or-missing", "customerId"],
    ]);
  });

  it("checks each line's item: inactive, deleted, unmapped, or missing", () => {
    expect(rules(inv("acme", [line("oldwidget"), line("oldwidget")]))).toEqual([
      ["reference.inactive", "inactive-or-missing", "lines[0].itemId"],
    ]);
    expect(rules(inv("acme", [line("lost")]))).toEqual([
      ["reference.missing", "inactive-or-missing", "lines[0].itemId"],
    ]);
    expect(rules(inv("acme", [line("ghost")]))).toEqual([["item.mapping", "mapping", "lines[0].itemId"]]);
    expect(rules(inv("acme", [line()]))).toEqual([["item.mapping", "mapping", "lines[0].itemId"]]);
  });

  it("checks tax codes by name or Id, active only", () => {
    expect(rules(inv("acme", [line("labor", "TAX"), line("labor", "3"), line("labor", "non")]))).toEqual([]);
    expect(rules(inv("acme", [line("labor", "OLDTAX"), line("labor", "VAT20")]))).toEqual([
      ["reference.tax-code", "inactive-or-missing", "lines[0].taxCode"],
      ["reference.tax-code", "mapping", "lines[1].taxCode"],
    ]);
  });

  it("needs an active Accounts Receivable account for invoices and payments", () => {
    const noAr = {
      ...showcaseSnapshot(),
      accounts: showcaseSnapshot().accounts.filter((a) => a.id !== "30"),
    };
    expect(rules(inv("acme", [line("labor")]), [], noAr)).toEqual([["company.ar-account", "mapping", ""]]);
    const inactiveAr = {
      ...showcaseSnapshot(),
      accounts: showcaseSnapshot().accounts.map((a) => (a.id === "30" ? { ...a, active: false } : a)),
    };
    const [f] = validate({ invoices: [inv("acme", [line("labor")])], links }, inactiveAr);
    expect(f!.fixes[0]).toMatchObject({ action: "reactivate", params: { entity: "Account", qboId: "30" } });
  });
});

describe("item rules", () => {
  const item = (fields: Partial<ItemRecord>): ItemRecord => ({
    id: "i",
    name: "Thing",
    type: "Service",
    incomeAccount: "Sales",
    active: true,
    ...fields,
  });
  const itemRules = (items: ItemRecord[], policy = resolvePolicy()) =>
    validate({ items }, showcaseSnapshot(), policy).map((f) => [
      f.ref,
      f.rule.id,
      f.fixes.map((x) => `${x.action}${x.safe ? "*" : ""}`).join(","),
    ]);

  it("maps an unlinked item to the one QBO item with the same SKU or the same name (safely)", () => {
    expect(itemRules([item({ name: "Gadget X", sku: "G-1" })])).toEqual([
      ["ITEM:i", "item.mapping", "map-item*"],
    ]);
    expect(itemRules([item({ name: "gadget" })])).toEqual([["ITEM:i", "item.mapping", "map-item*"]]);
  });

  it("leaves a person to decide when the SKU points one way and the name another, or the SKUs differ", () => {
    expect(itemRules([item({ name: "Gadget", sku: "LAB-1" })])).toEqual([
      ["ITEM:i", "item.mapping", "map-item,map-item"],
    ]);
    expect(itemRules([item({ name: "Gadget", sku: "G-2" })])).toEqual([
      ["ITEM:i", "item.name-taken", "map-item,rename"],
    ]);
  });

  it("creates unmatched items by default, or blocks them when the company maps by hand", () => {
    expect(itemRules([item({})])).toEqual([]);
    expect(itemRules([item({})], resolvePolicy({ unmappedItems: "block" }))).toEqual([
      ["ITEM:i", "item.mapping", "map-item,create-item"],
    ]);
  });

  it("needs an income account for Service and Inventory items, found by full name", () => {
    expect(itemRules([item({ type: "NonInventory", incomeAccount: undefined } as never)])).toEqual([]);
    const { incomeAccount: _drop, ...noAccount } = item({});
    expect(itemRules([noAccount])).toEqual([["ITEM:i", "item.income-account", "map-account,map-account"]]);
    expect(itemRules([item({ incomeAccount: "income:services" })])).toEqual([]);
    expect(itemRules([item({ incomeAccount: "Services" })])).toEqual([
      ["ITEM:i", "item.income-account", "map-account*"],
    ]);
    expect(itemRules([item({ incomeAccount: "Nope" })])).toEqual([
      ["ITEM:i", "item.income-account", "create-account,map-account,map-account"],
    ]);
    expect(itemRules([item({ incomeAccount: "Old Income" })])).toEqual([
      ["ITEM:i", "reference.inactive", "reactivate*,map-account,map-account"],
    ]);
  });

  it("blocks the second of two app items with the same name, and a linked item renamed onto another's name", () => {
    expect(itemRules([item({ id: "a" }), item({ id: "b", name: "THING" })])).toEqual([
      ["ITEM:b", "item.name-duplicate-in-app", "rename"],
    ]);
    const findings = validate(
      { items: [item({ id: "labor", name: "Gadget" })], links: { items: new Map([["labor", "10"]]) } },
      showcaseSnapshot(),
    );
    expect(findings.map((f) => f.rule.id)).toEqual(["item.name-taken"]);
  });
});
