import type { Customer } from "@ledgerlink/core";
import { describe, expect, it } from "vitest";
import { qboCustomerImportColumns, qboImportRow } from "./qbo-customer-import.js";

const base: Customer = { id: "1", displayName: "Lakeside Veterinary", active: true };

describe("qboImportRow", () => {
  it("puts each field in the column QBO's customer import maps it to", () => {
    const row = qboImportRow({
      ...base,
      companyName: "Lakeside Veterinary LLC",
      email: "desk@lakeside-vet.example",
      phone: "503-555-0142",
      mobile: "971-555-0199",
      billingAddress: {
        line1: "12 Lake Rd",
        line2: "Suite 4",
        city: "Salem",
        region: "OR",
        postalCode: "97301",
        country: "USA",
      },
    });
    expect(row).toEqual({
      ok: true,
      cells: [
        "Lakeside Veterinary",
        "Lakeside Veterinary LLC",
        "desk@lakeside-vet.example",
        "503-555-0142",
        "971-555-0199",
        "12 Lake Rd, Suite 4",
        "Salem",
        "OR",
        "97301",
        "USA",
      ],
    });
    expect(qboCustomerImportColumns).toHaveLength(10);
  });

  it("uses the shipping address when there is no billing address", () => {
    const row = qboImportRow({ ...base, shippingAddress: { line1: "1 Dock St", city: "Astoria" } });
    expect(row).toMatchObject({ ok: true, cells: expect.arrayContaining(["1 Dock St", "Astoria"]) });
  });

  it.each<[Partial<Customer>, string, string, RegExp]>([
    [{ displayName: "Smith: Plumbing" }, "Name", "displayName", /colon/],
    [{ displayName: 'The "Best" Co' }, "Name", "displayName", /double quote/],
    [{ displayName: "   " }, "Name", "displayName", /empty/],
    [{ displayName: "x".repeat(101) }, "Name", "displayName", /101 characters; the import takes at most 100/],
    [{ companyName: "c".repeat(51) }, "Company", "companyName", /at most 50/],
    [{ email: "two words@example.com" }, "Email", "email", /no spaces/],
    [{ email: "a@b.example, c@d.example" }, "Email", "email", /one address/],
    [{ email: "nobody" }, "Email", "email", /an @ and a dot/],
    [{ phone: "5".repeat(22) }, "Phone", "phone", /at most 21/],
    [{ billingAddress: { postalCode: "9".repeat(31) } }, "ZIP", "billingAddress.postalCode", /at most 30/],
    [{ shippingAddress: { city: "c".repeat(256) } }, "City", "shippingAddress.city", /at most 255/],
  ])("refuses %j, naming column %s and field %s", (patch, column, field, problem) => {
    const row = qboImportRow({ ...base, ...patch });
    expect(row).toMatchObject({ ok: false, column, field });
    expect(row.ok ? "" : row.problem).toMatch(problem);
  });
});
