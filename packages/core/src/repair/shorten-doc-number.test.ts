import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { docNumberKey, nextFreeDocNumber, shortenDocNumber } from "./shorten-doc-number.js";

describe("shortenDocNumber", () => {
  it("keeps the last 16 characters behind a 4-character digest, within QBO's 21", () => {
    const short = shortenDocNumber("ACME-SERVICES-2025-000123", () => false);
    expect(short).toMatch(/^[0-9A-Z]{4}-ICES-2025-000123$/);
    expect(short).toHaveLength(21);
  });

  it("is deterministic, and salts the digest until the result is free", () => {
    const original = "ACME-SERVICES-2025-000123";
    const first = shortenDocNumber(original, () => false);
    expect(shortenDocNumber(original, () => false)).toBe(first);
    const taken = new Set([docNumberKey(first)]);
    const second = shortenDocNumber(original, (n) => taken.has(docNumberKey(n)));
    expect(second).not.toBe(first);
    expect(second.slice(4)).toBe(first.slice(4));
  });

  it("stays unique and short for any set of long numbers", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 22, maxLength: 60 }), { maxLength: 50 }),
        (numbers) => {
          const taken = new Set<string>();
          for (const n of numbers) {
            const short = shortenDocNumber(n, (c) => taken.has(docNumberKey(c)));
            expect(short.length).toBeLessThanOrEqual(21);
            expect(taken.has(docNumberKey(short))).toBe(false);
            taken.add(docNumberKey(short));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("suggests the next free numbered variant for a duplicate", () => {
    const taken = new Set(["1001", "1001-2"]);
    expect(nextFreeDocNumber("1001", (n) => taken.has(n))).toBe("1001-3");
    expect(nextFreeDocNumber("X".repeat(21), () => false)).toBe(`${"X".repeat(19)}-2`);
  });
});
