import type { PreparedRecords } from "./prepared-records.js";
import { jaroWinkler, tokenSetSimilarity } from "./string-similarity.js";

/** The fields compared, in pattern order. */
export const MATCH_FIELDS = ["name", "email", "phone", "street", "postcode"] as const;
export type MatchField = (typeof MATCH_FIELDS)[number];

/**
 * Comparison levels per field, most to least alike; the last listed level of email, phone, street and
 * postcode is "missing on one side", which carries no evidence (weight 0).
 *  name:     0 equal after normalising, 1 similarity ≥ 0.94, 2 ≥ 0.85, 3 below
 *  email:    0 equal, 1 equal but shared by several customers (a front-desk address), 2 differ, 3 missing
 *  phone:    as email
 *  street:   0 equal, 1 same house number and similar street (≥ 0.9) or a different unit, 2 differ, 3 missing
 *  postcode: 0 equal, 1 differ, 2 missing
 */
export const LEVEL_COUNTS = [4, 4, 4, 4, 3] as const;
export const MISSING_LEVEL = [-1, 3, 3, 3, 2] as const;
export const NAME_CLOSE = 0.94;
export const NAME_SIMILAR = 0.85;
export const PATTERN_COUNT = LEVEL_COUNTS.reduce((a, b) => a * b, 1);

/** More than this many records (both sides together) sharing an email or phone makes it "shared". */
const SHARED_ABOVE = 2;

/**
 * Name similarity in [0, 1]: Jaro-Winkler of the normalised names, and when that is not already close,
 * the best of Jaro-Winkler in sorted word order, token-set overlap and the alternative names (company,
 * or given + family). Cheapest first: this runs for every candidate pair.
 */
export function nameSimilarity(p: PreparedRecords, i: number, j: number): number {
  if (p.nameId[i] === p.nameId[j]) return 1;
  const ai = p.altKey[i];
  const aj = p.altKey[j];
  const si = p.nameSorted[i]!;
  const sj = p.nameSorted[j]!;
  if (ai !== undefined && (ai === sj || ai === aj)) return 1;
  if (aj !== undefined && aj === si) return 1;
  // "Site 2" and "Site 3", "12 Oak St" and "14 Oak St" look alike letter by letter but are different places.
  if (namesNumbersClash(p, i, j)) return 0;
  let best = jaroWinkler(p.nameKey[i]!, p.nameKey[j]!);
  if (best >= NAME_CLOSE) return best;
  const overlap = tokenSetSimilarity(p.nameTokens[i]!, p.nameTokens[j]!);
  best = Math.max(best, overlap);
  // Word order only matters when the names share a word ("Smith, Jon" / "John Smith").
  if (overlap > 0 && best < NAME_CLOSE && (si !== p.nameKey[i] || sj !== p.nameKey[j]))
    best = Math.max(best, jaroWinkler(si, sj));
  if (best >= NAME_CLOSE) return best;
  if (ai !== undefined) best = Math.max(best, jaroWinkler(ai, sj));
  if (aj !== undefined) best = Math.max(best, jaroWinkler(si, aj));
  return best;
}

/** Both names carry numbers, and not the same ones. */
export function namesNumbersClash(p: PreparedRecords, i: number, j: number): boolean {
  const a = p.nameNumbers[i]!;
  const b = p.nameNumbers[j]!;
  return a !== "" && b !== "" && a !== b;
}

function exactLevel(ids: Int32Array, counts: { count(id: number): number }, i: number, j: number): number {
  const a = ids[i]!;
  const b = ids[j]!;
  if (a < 0 || b < 0) return 3;
  if (a !== b) return 2;
  return counts.count(a) > SHARED_ABOVE ? 1 : 0;
}

/** The street-level comparison (0..3). */
export function streetLevel(p: PreparedRecords, i: number, j: number): { level: number; similarity: number } {
  const a = p.streetId[i]!;
  const b = p.streetId[j]!;
  if (a < 0 || b < 0) return { level: 3, similarity: 0 };
  const ua = p.unitId[i]!;
  const ub = p.unitId[j]!;
  const unitsClash = ua >= 0 && ub >= 0 && ua !== ub;
  if (a === b) return { level: unitsClash ? 1 : 0, similarity: 1 };
  const hi = p.houseNumber[i];
  if (hi === undefined || hi !== p.houseNumber[j]) return { level: 2, similarity: 0 };
  const sim = jaroWinkler(p.street[i]!, p.street[j]!);
  return { level: sim >= 0.9 ? 1 : 2, similarity: sim };
}

/**
 * Compares records i and j field by field and returns the pattern code (mixed radix over
 * LEVEL_COUNTS). `nameSim` receives the name similarity when given.
 */
export function comparePair(p: PreparedRecords, i: number, j: number, nameSim?: Float64Array): number {
  const ns = nameSimilarity(p, i, j);
  if (nameSim !== undefined) nameSim[0] = ns;
  const name = ns === 1 ? 0 : ns >= NAME_CLOSE ? 1 : ns >= NAME_SIMILAR ? 2 : 3;
  const email = exactLevel(p.emailId, p.emails, i, j);
  const phone = exactLevel(p.phoneId, p.phones, i, j);
  const street = streetLevel(p, i, j).level;
  const pa = p.postcodeId[i]!;
  const pb = p.postcodeId[j]!;
  const postcode = pa < 0 || pb < 0 ? 2 : pa === pb ? 0 : 1;
  return (((name * 4 + email) * 4 + phone) * 4 + street) * 3 + postcode;
}

/** Splits a pattern code into its per-field levels. */
export function decodePattern(code: number): [number, number, number, number, number] {
  const postcode = code % 3;
  code = (code - postcode) / 3;
  const street = code % 4;
  code = (code - street) / 4;
  const phone = code % 4;
  code = (code - phone) / 4;
  const email = code % 4;
  const name = (code - email) / 4;
  return [name, email, phone, street, postcode];
}
