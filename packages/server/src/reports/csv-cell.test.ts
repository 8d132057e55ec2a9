import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, csvText, neutraliseCsvCell } from "./csv-cell.js";

describe("neutraliseCsvCell", () => {
  it.each(["=SUM(A1:A9)", "+1 503 555 0142", "-2", "@Home Cleaning", "\t=1+1", "\r=1+1"])(
    "prefixes %j with an apostrophe so a spreadsheet shows it as text",
    (value) => expect(neutraliseCsvCell(value)).toBe(`'${value}`),
  );

  it.each(["Big Co", "", "1042", " =not first", "a=b", "'quoted", "é=", "\n=1"])(
    "leaves %j as it is",
    (value) => expect(neutraliseCsvCell(value)).toBe(value),
  );
});

describe("csvCell and csvText", () => {
  it("quotes cells holding commas, quotes or line breaks, and renders null and undefined empty", () => {
    expect(csvCell('Smith, "The Plumber"')).toBe('"Smith, ""The Plumber"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(42)).toBe("42");
    expect(csvCell(-5)).toBe("'-5");
    expect(csvCell("=1+1,2")).toBe('"\'=1+1,2"');
    expect(
      csvText([
        ["a", "b"],
        ["c,d", null],
      ]),
    ).toBe('a,b\r\n"c,d",\r\n');
  });

  it("round-trips any text through a CSV reader, neutralised, and no cell a reader sees starts a formula", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const width = rows[0]!.length;
          const rect = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ""));
          const read = parse(csvText(rect), { relax_quotes: false }) as string[][];
          const expected = rect.map((r) => r.map(neutraliseCsvCell));
          expect(read).toEqual(expected);
          for (const row of read) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        },
      ),
    );
  });
});
