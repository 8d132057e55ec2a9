import { describe, expect, it } from "vitest";
import { parseQuery, QueryError } from "./parser.js";
import { tokenize } from "./tokenizer.js";

describe("tokenize", () => {
  it("unescapes \\' and \\\\ inside single-quoted strings", () => {
    const tokens = tokenize("DisplayName = 'O\\'Brien \\\\ Co'");
    expect(tokens.map((t) => [t.kind, t.text])).toEqual([
      ["word", "DisplayName"],
      ["symbol", "="],
      ["string", "O'Brien \\ Co"],
      ["end", "<EOF>"],
    ]);
  });
});

describe("parseQuery", () => {
  it("parses every clause, keywords in any case", () => {
    expect(
      parseQuery(
        "select * from Customer where Active IN (true, false) and MetaData.LastUpdatedTime >= '2026-01-01' " +
          "and DisplayName like '%Smith%' orderby DisplayName desc, Id STARTPOSITION 11 maxresults 10",
      ),
    ).toEqual({
      count: false,
      entity: "Customer",
      where: [
        { field: "Active", op: "IN", values: [true, false] },
        { field: "MetaData.LastUpdatedTime", op: ">=", values: ["2026-01-01"] },
        { field: "DisplayName", op: "LIKE", values: ["%Smith%"] },
      ],
      orderBy: [
        { field: "DisplayName", descending: true },
        { field: "Id", descending: false },
      ],
      startPosition: 11,
      maxResults: 10,
    });
  });

  it("applies QBO's defaults: start 1, 100 results", () => {
    expect(parseQuery("SELECT COUNT(*) FROM Invoice")).toMatchObject({
      count: true,
      startPosition: 1,
      maxResults: 100,
    });
  });

  it.each([
    ["select * from Customer startposition 0", /STARTPOSITION/],
    ["select * from Customer maxresults 1001", /MAXRESULTS/],
    ["select * from Customer where DisplayName = ’x’", /Lexical error/],
    ["select * from Customer where DisplayName = 'x' or Id = '1'", /OR/],
    ["select Id, DisplayName from Customer", /Was expecting/],
    ["select * from Customer where DisplayName = 'unterminated", /unterminated/],
    ["select * from Customer where", /property name/],
  ])("refuses %s", (q, why) => {
    expect(() => parseQuery(q)).toThrow(QueryError);
    expect(() => parseQuery(q)).toThrow(why);
  });
});
