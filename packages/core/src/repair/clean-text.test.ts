import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  collapseSpaces,
  hasRefusedCharacters,
  hasSpaceProblems,
  replaceRefusedCharacters,
} from "./clean-text.js";

describe("text clean-up", () => {
  it("replaces refused characters by the documented rule", () => {
    expect(replaceRefusedCharacters("Smith: Kitchen")).toBe("Smith -  Kitchen");
    expect(collapseSpaces(replaceRefusedCharacters("Smith:Kitchen"))).toBe("Smith - Kitchen");
    expect(replaceRefusedCharacters("O\u2019Brien \u201cPlumbing\u201d")).toBe('O\'Brien "Plumbing"');
    expect(replaceRefusedCharacters("a\tb\nc\u00a0d\u200be")).toBe("a b c de");
  });

  it("trims and collapses spaces", () => {
    expect(collapseSpaces("  Jones \t  Bakery  ")).toBe("Jones Bakery");
    expect(hasSpaceProblems("Jones Bakery")).toBe(false);
    expect(hasSpaceProblems("Jones  Bakery")).toBe(true);
  });

  it("always leaves a name QBO accepts, and is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const cleaned = collapseSpaces(replaceRefusedCharacters(s));
        expect(hasRefusedCharacters(cleaned)).toBe(false);
        expect(hasSpaceProblems(cleaned)).toBe(false);
        expect(collapseSpaces(replaceRefusedCharacters(cleaned))).toBe(cleaned);
      }),
      { numRuns: 1000 },
    );
  });
});
