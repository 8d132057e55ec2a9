import { describe, expect, it } from "vitest";
import { DEFAULT_M, DEFAULT_U, MIN_PAIRS_TO_ESTIMATE, defaultMatchWeights } from "./default-match-weights.js";
import { LEVEL_COUNTS, MISSING_LEVEL } from "./field-comparison.js";
import { matchCustomers } from "./match-customers.js";
import { generateSyntheticCustomers } from "./synthetic-customers.js";

function f1(result: ReturnType<typeof matchCustomers>, truth: Map<string, string>) {
  let tp = 0;
  let fp = 0;
  let wrongLinks = 0;
  for (const d of result.decisions) {
    if (d.band === "new" || d.qboId === undefined) continue;
    const ok = truth.get(d.localId) === d.qboId;
    if (ok) tp++;
    else fp++;
    if (!ok && d.band === "link") wrongLinks++;
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, truth.size);
  return { f1: (2 * precision * recall) / (precision + recall), wrongLinks };
}

describe("default match weights for small companies", () => {
  it("are probabilities over every level, with the missing level carrying no evidence", () => {
    const w = defaultMatchWeights(30, 40);
    LEVEL_COUNTS.forEach((n, f) => {
      expect(DEFAULT_M[f]).toHaveLength(n);
      expect(DEFAULT_U[f]).toHaveLength(n);
      const sum = (row: readonly number[]) =>
        row.reduce((s, v, l) => (l === MISSING_LEVEL[f] ? s : s + v), 0);
      expect(sum(DEFAULT_M[f]!)).toBeCloseTo(1, 6);
      expect(sum(DEFAULT_U[f]!)).toBeCloseTo(1, 6);
      if (MISSING_LEVEL[f]! >= 0) expect(w.weight[f]![MISSING_LEVEL[f]!]).toBe(0);
    });
    // Half of the smaller side assumed to have a twin: 15 of 30 × 40 pairs.
    expect(w.prior).toBeCloseTo(15 / 1200, 12);
    expect(w.weight[1]![0]).toBeCloseTo(Math.log2(0.7 / 5e-5), 9);
  });

  it("are used when there are too few candidate pairs to estimate from, and not otherwise", () => {
    const small = generateSyntheticCustomers({ entities: 40, seed: 12 });
    const r = matchCustomers(small.local, small.qbo);
    expect(r.stats.pairsCompared).toBeLessThan(MIN_PAIRS_TO_ESTIMATE);
    expect(r.weightsSource).toBe("default");
    expect(r.weights).toEqual(defaultMatchWeights(small.local.length, small.qbo.length));

    const large = generateSyntheticCustomers({ entities: 400, seed: 12 });
    const e = matchCustomers(large.local, large.qbo);
    expect(e.stats.pairsCompared).toBeGreaterThanOrEqual(MIN_PAIRS_TO_ESTIMATE);
    expect(e.weightsSource).toBe("estimated");

    expect(matchCustomers(small.local, small.qbo, { weights: e.weights }).weightsSource).toBe("given");
  });

  it("match small generated companies better than weights estimated from them, never auto-linking wrongly", () => {
    let withDefaults = 0;
    let estimated = 0;
    const seeds = [21, 22, 23, 24, 25, 26, 27, 28];
    for (const seed of seeds) {
      const g = generateSyntheticCustomers({ entities: 30, seed });
      const d = matchCustomers(g.local, g.qbo);
      expect(d.weightsSource).toBe("default");
      const q = f1(d, g.truth);
      expect(q.wrongLinks).toBe(0);
      withDefaults += q.f1;
      // The same company with the weights estimated from its own few pairs, as before the fallback.
      const est = matchCustomers(g.local, g.qbo, { minPairsToEstimate: 0 });
      expect(est.weightsSource).toBe("estimated");
      estimated += f1(est, g.truth).f1;
    }
    expect(withDefaults / seeds.length).toBeGreaterThanOrEqual(0.99);
    expect(withDefaults).toBeGreaterThan(estimated);
  });
});
