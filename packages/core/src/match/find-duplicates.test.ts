import { describe, expect, it } from "vitest";
import { findDuplicates } from "./find-duplicates.js";
import type { MatchRecord } from "./match-record.js";
import { generateSyntheticDuplicates } from "./synthetic-customers.js";

describe("findDuplicates", () => {
  it("finds labelled duplicates with high precision and recall (fixed seed)", () => {
    const g = generateSyntheticDuplicates({ entities: 3000, seed: 5 });
    const { clusters } = findDuplicates(g.records);
    let tp = 0;
    let fp = 0;
    for (const c of clusters) {
      for (const p of c.pairs) {
        if (g.entityOf.get(p.a) === g.entityOf.get(p.b)) tp++;
        else fp++;
      }
    }
    const sizes = new Map<string, number>();
    for (const e of g.entityOf.values()) sizes.set(e, (sizes.get(e) ?? 0) + 1);
    let truePairs = 0;
    for (const n of sizes.values()) truePairs += (n * (n - 1)) / 2;
    expect(tp / (tp + fp)).toBeGreaterThanOrEqual(0.99);
    expect(tp / truePairs).toBeGreaterThanOrEqual(0.95);
    const seen = clusters.flatMap((c) => c.ids);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("does not chain: A≈B and B≈C without A≈C stay apart", () => {
    const background = generateSyntheticDuplicates({ entities: 300, seed: 9, duplicateRate: 0 }).records;
    const chain: MatchRecord[] = [
      {
        id: "A",
        name: "Harbor Glass Works",
        email: "info@harborglass.com",
        address: { line1: "1 Bay St", postalCode: "02840" },
      },
      {
        id: "B",
        name: "Harbor Glass Works",
        email: "info@harborglass.com",
        phone: "401-555-0100",
        address: { line1: "9 Shore Rd", postalCode: "02840" },
      },
      {
        id: "C",
        name: "Shoreline Glazing",
        phone: "401-555-0100",
        address: { line1: "9 Shore Rd", postalCode: "02840" },
      },
    ];
    const { clusters } = findDuplicates([...chain, ...background], {
      policy: { linkAt: 0.97, reviewAt: 0.5 },
    });
    const policy = { linkAt: 0.97, reviewAt: 0.5 };
    const pairScore = (a: MatchRecord, b: MatchRecord): number =>
      findDuplicates([a, b, ...background], { policy }).clusters.find((c) => c.ids.includes(a.id))?.score ??
      0;
    const [A, B, C] = chain as [MatchRecord, MatchRecord, MatchRecord];
    // Both links of the chain are strong on their own...
    expect(pairScore(A, B)).toBeGreaterThanOrEqual(0.5);
    expect(pairScore(B, C)).toBeGreaterThanOrEqual(0.5);
    // ...but A and C are not alike, so no cluster holds both.
    expect(pairScore(A, C)).toBeLessThan(0.5);
    expect(clusters.some((c) => c.ids.includes("A") && c.ids.includes("C"))).toBe(false);
    expect(clusters.some((c) => c.ids.includes("B"))).toBe(true);
  });

  it("never calls a parent and its own sub-customer duplicates", () => {
    const records: MatchRecord[] = [
      { id: "P", name: "Acme Plumbing", email: "office@acme.com", phone: "415-555-0100" },
      { id: "K", parentId: "P", name: "Acme Plumbing", email: "office@acme.com", phone: "415-555-0100" },
    ];
    expect(findDuplicates(records).clusters).toEqual([]);
  });
});
