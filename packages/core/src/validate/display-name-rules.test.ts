import { describe, expect, it } from "vitest";
import type { Customer } from "../customer.js";
import { showcaseSnapshot } from "./rule-showcase.js";
import { validate } from "./validate.js";

const c = (id: string, displayName: string, extra: Partial<Customer> = {}): Customer => ({
  id,
  displayName,
  active: true,
  ...extra,
});
const run = (customers: Customer[], links = new Map<string, string>()) =>
  validate({ customers, links: { customers: links } }, showcaseSnapshot());

describe("DisplayName collisions", () => {
  it.each([
    ["an active customer", "harbor  DENTAL", "1"],
    ["an inactive customer shown as (deleted)", "Old Client", "2"],
    ["a vendor", "NORTHWIND SUPPLY", "40"],
    ["an inactive employee", "dana smith", "41"],
  ])("blocks a name used by %s in QBO, case- and space-insensitively", (_what, name, qboId) => {
    const findings = run([c("9", name)]).filter((f) => f.rule.id === "customer.display-name-taken");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ref: "C:9", category: "duplicate", severity: "blocks" });
    expect(findings[0]!.message).toContain(`Id ${qboId}`);
  });

  it("offers linking only to a customer (never a vendor) and renames that are free", () => {
    const [customer] = run([
      c("9", "Harbor Dental", { givenName: "Harbor", middleName: "Q", familyName: "Dental" }),
    ]);
    expect(customer!.fixes[0]).toMatchObject({ action: "link", params: { entity: "Customer", qboId: "1" } });
    const renames = customer!.fixes.filter((f) => f.action === "rename").map((f) => f.params["value"]);
    expect(renames).toEqual(["Harbor Q. Dental", "Harbor Dental 2", "Harbor Dental 3"]);
    const [vendor] = run([c("9", "Northwind Supply", { billingAddress: { line1: "1 Dock Rd" } })]);
    expect(vendor!.fixes.map((f) => f.action)).not.toContain("link");
    expect(vendor!.fixes[0]!.params["value"]).toBe("Northwind Supply - 1 Dock Rd");
  });

  it("does not flag a customer against its own linked QBO record", () => {
    expect(run([c("acme", "Acme Corp")], new Map([["acme", "3"]]))).toEqual([]);
    // ...but a linked customer renamed onto someone else's name is flagged.
    expect(
      run([c("acme", "Harbor Dental")], new Map([["acme", "3"]]))[0]!.fixes.map((f) => f.action),
    ).not.toContain("link");
  });

  it("blocks duplicates inside the app's own data, naming the first record, parent or sibling", () => {
    const all = run([
      c("1", "Twin Co"),
      c("2", "twin  co"),
      c("p", "Main Street"),
      c("k1", "Unit 1", { parentId: "p" }),
      c("k2", "Unit 1", { parentId: "p" }),
      c("k3", "Main Street", { parentId: "p" }),
    ]);
    // "twin  co" also has a doubled space (its own finding); the collision is found regardless.
    const findings = all.filter((f) => f.rule.id !== "name.spaces");
    expect(findings.map((f) => [f.ref, f.rule.id])).toEqual([
      ["C:2", "customer.display-name-duplicate-in-app"],
      ["C:k2", "customer.display-name-duplicate-in-app"],
      ["C:k3", "customer.display-name-duplicate-in-app"],
    ]);
    expect(findings[0]!.message).toContain("C:1");
    expect(findings[1]!.message).toContain("its sibling C:k1");
    expect(findings[2]!.message).toContain("its parent C:p");
    expect(findings[1]!.fixes[0]).toMatchObject({
      action: "rename",
      params: { value: "Main Street Unit 1" },
    });
    expect(findings[0]!.fixes.at(-1)).toMatchObject({ action: "merge", params: { survivorId: "1" } });
  });
});
