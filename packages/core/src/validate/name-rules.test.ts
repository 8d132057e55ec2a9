import { describe, expect, it } from "vitest";
import type { Customer } from "../customer.js";
import { resolvePolicy } from "./policy.js";
import { emptyQboSnapshot } from "./qbo-snapshot.js";
import { validate } from "./validate.js";

const customer = (fields: Partial<Customer>): Customer => ({
  id: "1",
  displayName: "Ok",
  active: true,
  ...fields,
});
const check = (c: Customer, policy = resolvePolicy()) =>
  validate({ customers: [c] }, emptyQboSnapshot, policy);

describe("name rules", () => {
  it.each([
    ["colon", "Smith: Kitchen", "Smith - Kitchen", "colon (:)"],
    ["tab", "Smith\tKitchen", "Smith Kitchen", "tab"],
    ["newline", "Smith\nKitchen", "Smith Kitchen", "line break"],
    ["curly apostrophe", "O\u2019Brien", "O'Brien", "curly quote"],
    ["curly double quotes", "\u201cBest\u201d Co", '"Best" Co', "curly quote"],
    ["zero-width space", "Zero\u200bWidth", "ZeroWidth", "invisible character U+200B"],
  ])("blocks a %s in a display name and offers the replacement", (_what, name, cleaned, described) => {
    const [f, ...rest] = check(customer({ displayName: name }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      ref: "C:1",
      category: "invalid-data",
      severity: "blocks",
      field: "displayName",
      rule: { id: "name.refused-characters" },
    });
    expect(f!.message).toContain(described);
    expect(f!.fixes[0]).toMatchObject({
      action: "replace-characters",
      safe: true,
      params: { value: cleaned },
    });
  });

  it("checks every name part QBO restricts, not only the display name", () => {
    const findings = check(customer({ givenName: "Ann:", familyName: "Lee\t", title: "Dr\u2019" }));
    expect(findings.map((f) => f.field)).toEqual(["title", "givenName", "familyName"]);
  });

  it("blocks stray spaces in the display name and warns about them in other name parts", () => {
    const [display] = check(customer({ displayName: " Jones  Bakery" }));
    expect(display).toMatchObject({ severity: "blocks", rule: { id: "name.spaces" } });
    expect(display!.fixes[0]).toMatchObject({ action: "trim-spaces", params: { value: "Jones Bakery" } });
    const [given] = check(customer({ givenName: "Ann " }));
    expect(given).toMatchObject({ severity: "warns", field: "givenName" });
    expect(check(customer({ displayName: "Jones Bakery" }))).toEqual([]);
  });

  it("applies QBO's length limits at their exact edges", () => {
    const at = (field: keyof Customer, n: number) => check(customer({ [field]: "x".repeat(n) }));
    expect(at("displayName", 100)).toEqual([]);
    expect(at("displayName", 101)[0]).toMatchObject({ rule: { id: "field.length" }, field: "displayName" });
    expect(at("displayName", 101)[0]!.message).toContain("at most 100");
    // A company that trusts QBO's documented 500 can say so.
    expect(
      check(customer({ displayName: "x".repeat(500) }), resolvePolicy({ displayNameMaxLength: 500 })),
    ).toEqual([]);
    expect(at("title", 16)).toEqual([]);
    expect(at("title", 17)).toHaveLength(1);
    expect(at("suffix", 17)).toHaveLength(1);
    expect(at("givenName", 100)).toEqual([]);
    expect(at("familyName", 101)).toHaveLength(1);
    expect(at("companyName", 101)).toHaveLength(1);
    expect(at("notes", 2000)).toEqual([]);
    expect(at("notes", 2001)).toHaveLength(1);
    expect(check(customer({ phone: "1".repeat(30) }))).toEqual([]);
    expect(check(customer({ phone: "1".repeat(31) }))[0]).toMatchObject({ field: "phone" });
  });

  it("counts characters, not UTF-16 units", () => {
    expect(check(customer({ displayName: "😀".repeat(100) }))).toEqual([]);
  });

  it("checks email shape and length", () => {
    expect(check(customer({ email: "ann@example.com" }))).toEqual([]);
    expect(check(customer({ email: "ann@example" }))[0]).toMatchObject({ rule: { id: "customer.email" } });
    const long = `${"a".repeat(90)}@example.com`; // 102 characters
    expect(check(customer({ email: long })).map((f) => f.rule.id)).toEqual(["field.length"]);
  });

  it("checks address parts, item names and document texts", () => {
    expect(check(customer({ billingAddress: { postalCode: "1".repeat(31) } }))[0]).toMatchObject({
      field: "billingAddress.postalCode",
    });
    const items = validate(
      {
        items: [{ id: "9", name: "N".repeat(101), type: "NonInventory", active: true, sku: "S".repeat(101) }],
      },
      emptyQboSnapshot,
    );
    expect(items.map((f) => [f.ref, f.field])).toEqual([
      ["ITEM:9", "name"],
      ["ITEM:9", "sku"],
    ]);
  });
});
