import { parseRecords } from "@ledgerlink/core";
import { describe, expect, it } from "vitest";
import { demoClosingDate, demoCompanyData, demoSizes } from "./demo-company-data.js";

describe("demo company data (app side)", () => {
  const data = demoCompanyData();

  it("is the same for the same seed and different for another", () => {
    expect(JSON.stringify(demoCompanyData())).toBe(JSON.stringify(data));
    expect(JSON.stringify(demoCompanyData(15).customers)).not.toBe(JSON.stringify(data.customers));
  });

  it("has the sizes of a small field-service business, sites under their customers", () => {
    const top = data.customers.filter((c) => c.parentId === undefined);
    const sites = data.customers.filter((c) => c.parentId !== undefined);
    expect(top).toHaveLength(demoSizes.customers);
    expect(sites.length).toBeGreaterThan(150);
    const ids = new Set(data.customers.map((c) => c.id));
    expect(sites.every((s) => ids.has(s.parentId!))).toBe(true);
    expect(data.items).toHaveLength(demoSizes.items);
    expect(data.invoices).toHaveLength(demoSizes.invoices);
    expect(data.payments.length).toBeGreaterThan(1000);
  });

  it("every record passes the ingest checks, and only the seed's collisions share a name", () => {
    for (const [kind, rows] of [
      ["customer", data.customers],
      ["item", data.items],
      ["invoice", data.invoices],
      ["payment", data.payments],
    ] as const)
      expect(parseRecords(kind, rows).rejected).toEqual([]);
    const names = data.customers.map((c) => c.displayName.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    const docs = data.invoices.map((i) => i.docNumber);
    expect(new Set(docs).size).toBe(docs.length);
  });

  it("holds the seed articles' problems the QBO half pairs with", () => {
    const customer = (id: string) => data.customers.find((c) => c.id === id)!;
    expect(customer("1042").displayName).toBe("Big Duplicating Co.");
    expect(customer("1043").parentId).toBe("1042");
    expect(customer("1059").displayName).toBe("Baker & Sons Heating");
    expect(data.invoices.filter((i) => i.txnDate <= demoClosingDate)).toHaveLength(3);
    expect(data.invoices.map((i) => i.docNumber)).toEqual(expect.arrayContaining(["1002", "20101", "20417"]));
    expect(data.payments.find((p) => p.reference === "ch_1002")).toMatchObject({ amount: "50.00" });
    expect(data.items.filter((i) => i.type === "Service" && i.incomeAccount === undefined)).toHaveLength(2);
  });
});
