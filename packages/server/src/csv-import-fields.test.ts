import { parseRecords, type IncomingKind } from "@ledgerlink/core";
import { describe, expect, it } from "vitest";
import { csvLayouts, parseColumnMapping, resolveColumns } from "./csv-import-fields.js";

const kinds = Object.keys(csvLayouts) as IncomingKind[];

describe("CSV layouts", () => {
  // The layouts are written out by hand; this keeps them in step with the record schemas.
  it.each(kinds)("names only fields the %s schema takes, and a record using all of them parses", (kind) => {
    const layout = csvLayouts[kind];
    const value = (field: string) =>
      /date$/i.test(field)
        ? "2026-01-01"
        : /amount|price|total|qty/i.test(field)
          ? "1"
          : field === "active"
            ? "yes"
            : field === "type"
              ? "Service"
              : "x";
    const record: Record<string, unknown> = {};
    for (const field of layout.fields) {
      const [head, tail] = field.split(".") as [string, string | undefined];
      if (tail === undefined) record[head] = value(field);
      else record[head] = { ...(record[head] as object), [tail]: value(field) };
    }
    if (layout.child !== undefined)
      record[layout.child.key] = [
        Object.fromEntries(layout.child.fields.map((f) => [f.split(".")[1]!, value(f)])),
      ];
    const { rejected } = parseRecords(kind, [record]);
    expect(rejected).toEqual([]);
  });

  it("parses field=Column specs, splitting at the first =", () => {
    expect(parseColumnMapping(["displayName=Company", "notes=A=B"])).toEqual({
      displayName: "Company",
      notes: "A=B",
    });
    expect(() => parseColumnMapping(["displayName"])).toThrow(/"displayName" is not field=Column/);
    expect(() => parseColumnMapping(["=Name"])).toThrow(/is not field=Column/);
    expect(() => parseColumnMapping(["id=A", "id=B"])).toThrow(/field id is mapped twice/);
  });

  it("resolves columns: explicit first, then same-named ones, and reports the rest", () => {
    const r = resolveColumns("payment", ["Ref", "customerid", "Amount", "TXNDATE", "Extra"], {
      id: "Ref",
      amount: "amount",
    });
    expect(r.columns).toEqual({ id: "Ref", customerId: "customerid", amount: "Amount", txnDate: "TXNDATE" });
    expect(r.ignored).toEqual(["Extra"]);
    expect(() =>
      resolveColumns("payment", ["id", "customerId", "amount", "txnDate", "appliedTo.invoiceId"], {}),
    ).toThrow(/no column for appliedTo.amount/);
    expect(() => resolveColumns("customer", ["id", "Name", "name"], { displayName: "NAME" })).toThrow(
      /column "Name" \(for displayName\) appears 2 times in the header/,
    );
    expect(() => resolveColumns("customer", ["id", "Email"], {})).toThrow(
      /^no column for one of displayName, companyName, givenName, familyName: a customer needs it/,
    );
  });
});
