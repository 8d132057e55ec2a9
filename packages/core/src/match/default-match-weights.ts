import { MISSING_LEVEL } from "./field-comparison.js";
import type { MatchWeights } from "./match-weights.js";

/**
 * Below this many candidate pairs the weights are not estimated from the data: expectation-maximisation
 * on a few hundred pairs is unreliable (on generated companies of 10–120 customers a side it lost 1–2.5
 * points of F1 against these defaults, and at ~50 pairs it left exact-name twins unlinked), so small
 * companies use DEFAULT_M and DEFAULT_U.
 */
export const MIN_PAIRS_TO_ESTIMATE = 1000;

/**
 * Default m = P(level | same customer), per field and level in field-comparison order (name: equal,
 * ≥ 0.94, ≥ 0.85, below; email and phone: equal, equal but shared, differ, missing; street: equal,
 * similar, differ, missing; postcode: equal, differ, missing). Started from what the estimator finds on
 * the generated data at 20,000 customers, then made less absolute where generated data is cleaner than
 * real data: real customers change email and phone (m of "differs" 0.1, not the estimator's ~0).
 */
export const DEFAULT_M: readonly (readonly number[])[] = [
  [0.7, 0.03, 0.07, 0.2],
  [0.7, 0.2, 0.1, 1],
  [0.7, 0.2, 0.1, 1],
  [0.64, 0.03, 0.33, 1],
  [0.67, 0.33, 1],
];

/**
 * Default u = P(level | different customers). An equal name's u (1e-3: two different businesses in one
 * town share a trade name far more often than an email) is the floor of the term-frequency adjustment in
 * PairScorer: a name other customers share counts less. With it an equal name alone outweighs a close one
 * but not an email, phone, street and postcode that all differ (two "Smith Plumbing"s). A shared email or
 * phone (a front desk, a parent's sites) is weak evidence: different customers share one often (u 0.01);
 * with the estimator's value the sites of one parent were linked to each other. A small business's
 * customers crowd into a few postcodes, so an equal postcode is weak evidence (u 0.02, not the
 * ~0.0001 of a spread-out population).
 */
export const DEFAULT_U: readonly (readonly number[])[] = [
  [1e-3, 5e-5, 3e-3, 0.99595],
  [5e-5, 0.01, 0.98995, 1],
  [5e-5, 0.01, 0.98995, 1],
  [5e-5, 5e-5, 0.9999, 1],
  [0.02, 0.98, 1],
];

/**
 * The default weights for `localCount` × `qboCount` customers. The prior assumes half of the smaller
 * side has a twin on the other: 0.5 × min / (local × QBO).
 */
export function defaultMatchWeights(localCount: number, qboCount: number): MatchWeights {
  const pairs = Math.max(1, localCount * qboCount);
  const prior = Math.min(0.5, Math.max(1e-12, (0.5 * Math.max(1, Math.min(localCount, qboCount))) / pairs));
  const m = DEFAULT_M.map((row) => row.slice());
  const u = DEFAULT_U.map((row) => row.slice());
  const weight = m.map((row, f) =>
    row.map((mv, l) => (l === MISSING_LEVEL[f] ? 0 : Math.log2(mv / u[f]![l]!))),
  );
  return { prior, m, u, weight };
}
