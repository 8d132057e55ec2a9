import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QboInputError } from "./qbo-error.js";
import { escapeQueryString, queryLiteral, select } from "./query-builder.js";

/** Reads a QBO single-quoted literal back, the way QBO's lexer does. */
function unquote(literal: string): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
  let out = "";
  const body = literal.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "\\") out += body[++i];
    else if (c === "'") throw new Error(`unescaped quote at ${i} in ${literal}`);
    else out += c;
  }
  return out;
}

describe("escapeQueryString", () => {
  it("escapes apostrophes, backslashes and curly quotes", () => {
    expect(escapeQueryString("O'Brien's Plumbing")).toBe("O\\'Brien\\'s Plumbing");
    expect(escapeQueryString("a\\b")).toBe("a\\\\b");
    expect(escapeQueryString("O\u2019Brien")).toBe("O\\\u2019Brien");
    expect(escapeQueryString("100% sure")).toBe("100% sure");
  });

  it("round-trips any string through a literal", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        expect(unquote(queryLiteral(s))).toBe(s);
      }),
    );
  });
});

describe("select", () => {
  it("builds a paged query with escaped values", () => {
    const q = select("Customer").where("DisplayName", "=", "O'Brien's Plumbing").includeInactive();
    expect(q.page()).toBe(
      "SELECT * FROM Customer WHERE DisplayName = 'O\\'Brien\\'s Plumbing' AND Active IN (true, false) STARTPOSITION 1 MAXRESULTS 1000",
    );
    expect(q.count()).toBe(
      "SELECT COUNT(*) FROM Customer WHERE DisplayName = 'O\\'Brien\\'s Plumbing' AND Active IN (true, false)",
    );
  });

  it("formats numbers, booleans, dates, IN lists and ORDERBY", () => {
    const q = select("Invoice")
      .where("TotalAmt", ">", 10.5)
      .where("MetaData.LastUpdatedTime", ">=", new Date("2025-01-02T03:04:05Z"))
      .whereIn("DocNumber", ["A'1", "B2"])
      .orderBy("Id", "DESC");
    expect(q.page(1001, 500)).toBe(
      "SELECT * FROM Invoice WHERE TotalAmt > 10.5 AND MetaData.LastUpdatedTime >= '2025-01-02T03:04:05.000Z' AND DocNumber IN ('A\\'1', 'B2') ORDERBY Id DESC STARTPOSITION 1001 MAXRESULTS 500",
    );
    expect(select("Customer").where("Active", "=", false).toString()).toBe(
      "SELECT * FROM Customer WHERE Active = false",
    );
  });

  it("refuses positions and page sizes QBO rejects", () => {
    expect(() => select("Customer").page(0)).toThrow(QboInputError);
    expect(() => select("Customer").page(1, 1500)).toThrow(/MAXRESULTS/);
  });

  it("refuses field names that could inject syntax, naming the field", () => {
    try {
      select("Customer").where("DisplayName = 'x' OR 1", "=", "y");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(QboInputError);
      expect((e as QboInputError).element).toBe("DisplayName = 'x' OR 1");
    }
  });

  it("turns startsWith/contains into LIKE and re-checks literals holding %", () => {
    const q = select("Customer").contains("DisplayName", "50% Off");
    expect(q.toString()).toBe("SELECT * FROM Customer WHERE DisplayName LIKE '%50% Off%'");
    // QBO treats that % as a wildcard, so "50 Percent Off" may come back; it is dropped here.
    expect(q.matches({ DisplayName: "Big 50% off sale" })).toBe(true);
    expect(q.matches({ DisplayName: "50 Percent Off" })).toBe(false);
    expect(select("Customer").startsWith("DisplayName", "O'B").toString()).toBe(
      "SELECT * FROM Customer WHERE DisplayName LIKE 'O\\'B%'",
    );
    expect(select("Customer").startsWith("DisplayName", "plain").matches({})).toBe(true);
  });
});
