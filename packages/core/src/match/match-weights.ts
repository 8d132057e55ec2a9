import {
  LEVEL_COUNTS,
  MATCH_FIELDS,
  MISSING_LEVEL,
  PATTERN_COUNT,
  comparePair,
  decodePattern,
} from "./field-comparison.js";
import type { PreparedRecords } from "./prepared-records.js";
import { seededRandom } from "./seeded-random.js";
import type { ValueDictionary } from "./value-dictionary.js";

/**
 * Fellegi–Sunter parameters: for each field and level, m = P(level | same customer) and
 * u = P(level | different customers); `prior` = P(two records picked at random, one from each side,
 * are the same customer). A level's evidence is log2(m / u) bits ("missing" levels carry none).
 */
export interface MatchWeights {
  prior: number;
  m: number[][];
  u: number[][];
  weight: number[][];
}

const INITIAL_M = [
  [0.7, 0.15, 0.1, 0.05],
  [0.7, 0.1, 0.2, 0],
  [0.7, 0.1, 0.2, 0],
  [0.7, 0.1, 0.2, 0],
  [0.9, 0.1, 0],
];
/** Keeps every m and u off zero, so one field can never veto or force a match on its own. */
const FLOOR = 1e-5;

function levelArrays(): number[][] {
  return LEVEL_COUNTS.map((n) => new Array<number>(n).fill(0));
}

/** Σ (share of non-missing records with the value)², split by whether the value is shared by more than two records. */
function agreementRate(dict: ValueDictionary): { unique: number; shared: number } {
  let n = 0;
  for (let id = 0; id < dict.size; id++) n += dict.count(id);
  let unique = 0;
  let shared = 0;
  for (let id = 0; id < dict.size; id++) {
    const c = dict.count(id);
    const f2 = (c / n) * (c / n);
    if (c > 2) shared += f2;
    else unique += f2;
  }
  return { unique, shared };
}

/**
 * u-probabilities: exact-agreement levels from value frequencies (Σ f², exact and cheap), the
 * "similar" levels from `samples` random cross pairs (seeded, so runs repeat).
 */
export function estimateU(
  p: PreparedRecords,
  left: { start: number; end: number },
  right: { start: number; end: number },
  samples = 20_000,
  seed = 1,
): number[][] {
  const counts = levelArrays();
  const rnd = seededRandom(seed);
  const nl = left.end - left.start;
  const nr = right.end - right.start;
  for (let s = 0; nl > 0 && nr > 0 && s < samples; s++) {
    const i = left.start + Math.floor(rnd() * nl);
    const j = right.start + Math.floor(rnd() * nr);
    if (i === j) continue;
    const levels = decodePattern(comparePair(p, i, j));
    for (let f = 0; f < levels.length; f++) counts[f]![levels[f]!]! += 1;
  }
  const u = counts.map((row, f) => {
    const missing = MISSING_LEVEL[f]!;
    const total = row.reduce((s, c, l) => (l === missing ? s : s + c), 0) || 1;
    return row.map((c, l) => (l === missing ? 1 : Math.max(FLOOR, c / total)));
  });
  const name = agreementRate(p.names);
  const email = agreementRate(p.emails);
  const phone = agreementRate(p.phones);
  const street = agreementRate(p.streets);
  const postcode = agreementRate(p.postcodes);
  const set = (f: number, exact: number[], differ: number): void => {
    const row = u[f]!;
    exact.forEach((v, l) => (row[l] = Math.max(FLOOR, v)));
    const others = row.reduce((s, v, l) => (l === differ || l === MISSING_LEVEL[f] ? s : s + v), 0);
    row[differ] = Math.max(FLOOR, 1 - others);
  };
  set(0, [name.unique + name.shared], 3);
  set(1, [email.unique, email.shared], 2);
  set(2, [phone.unique, phone.shared], 2);
  set(3, [street.unique + street.shared, Math.max(FLOOR, u[3]![1]!)], 2);
  set(4, [postcode.unique + postcode.shared], 1);
  return u;
}

/**
 * Estimates m and the prior by expectation-maximisation, u held at its random-pair value. Only candidate
 * pairs are enumerated; every other pair of the `totalPairs` is taken to be a non-match, which is what
 * blocking assumes. Field levels are assumed independent given match status.
 */
export function estimateWeights(
  patternCounts: Float64Array,
  u: number[][],
  totalPairs: number,
  iterations = 30,
): MatchWeights {
  let m = INITIAL_M.map((r) => r.slice());
  let candidates = 0;
  for (let c = 0; c < PATTERN_COUNT; c++) candidates += patternCounts[c]!;
  let prior = Math.min(0.5, Math.max(1e-12, (0.5 * Math.sqrt(totalPairs)) / Math.max(1, totalPairs)));
  const decoded: number[][] = [];
  for (let c = 0; c < PATTERN_COUNT; c++) decoded.push(decodePattern(c));
  for (let it = 0; it < iterations && candidates > 0; it++) {
    const mc = levelArrays();
    let matchMass = 0;
    for (let c = 0; c < PATTERN_COUNT; c++) {
      const n = patternCounts[c]!;
      if (n === 0) continue;
      const levels = decoded[c]!;
      let pm = prior;
      let pu = 1 - prior;
      for (let f = 0; f < levels.length; f++) {
        const l = levels[f]!;
        if (l === MISSING_LEVEL[f]) continue;
        pm *= m[f]![l]!;
        pu *= u[f]![l]!;
      }
      const post = pm / (pm + pu);
      matchMass += n * post;
      for (let f = 0; f < levels.length; f++) mc[f]![levels[f]!]! += n * post;
    }
    prior = Math.min(0.5, Math.max(1e-12, matchMass / totalPairs));
    m = mc.map((row, f) => {
      const missing = MISSING_LEVEL[f]!;
      const total = row.reduce((s, c, l) => (l === missing ? s : s + c), 0);
      return row.map((c, l) =>
        l === missing ? 1 : Math.max(FLOOR, total === 0 ? INITIAL_M[f]![l]! : c / total),
      );
    });
  }
  const weight = m.map((row, f) =>
    row.map((mv, l) => (l === MISSING_LEVEL[f] ? 0 : Math.log2(mv / u[f]![l]!))),
  );
  return { prior, m, u, weight };
}

/** The fields' names, for reports of the estimated weights. */
export const WEIGHT_FIELDS = MATCH_FIELDS;
