import type { PreparedRecords } from "./prepared-records.js";
import { soundex } from "./string-similarity.js";

/** Blocks bigger than this say nothing about identity ("smith", a shared front-desk phone) and are skipped. */
export const MAX_BLOCK_SIZE = 60;
/** A name token occurring more often than this across both sides is too common to block on alone. */
const MAX_TOKEN_FREQUENCY = 120;

/**
 * The cheap keys a record is blocked on: phone, email, exact normalised name (and the alternative
 * name), each rare name token, the Soundex of the first two name tokens, postcode + name prefix, and
 * street address. Two records become a candidate pair when they share any key.
 */
export function blockingKeys(p: PreparedRecords, i: number): string[] {
  const keys: string[] = [];
  if (p.phoneId[i]! >= 0) keys.push(`p${p.phoneId[i]}`);
  if (p.emailId[i]! >= 0) keys.push(`e${p.emailId[i]}`);
  const sorted = p.nameSorted[i]!;
  if (sorted !== "") keys.push(`n${sorted}`);
  const alt = p.altKey[i];
  if (alt !== undefined) keys.push(`n${alt}`);
  const toks = p.nameTokens[i]!;
  for (let t = 0; t < toks.length; t++) {
    const id = toks[t]!;
    const value = p.nameTokenDict.values[id]!;
    if (value.length > 2 && p.nameTokenDict.count(id) <= MAX_TOKEN_FREQUENCY) keys.push(`t${id}`);
  }
  const words = p.nameKey[i]!.split(" ");
  if (words.length >= 2) {
    const a = soundex(words[0]!);
    const b = soundex(words[1]!);
    keys.push(a < b ? `s${a}${b}` : `s${b}${a}`);
  }
  if (p.postcodeId[i]! >= 0) keys.push(`z${p.postcodeId[i]}:${sorted.slice(0, 3)}`);
  if (p.streetId[i]! >= 0 && p.houseNumber[i] !== undefined) keys.push(`a${p.streetId[i]}`);
  return keys;
}

export interface BlockingStats {
  /** Distinct candidate pairs handed to the scorer. */
  pairsCompared: number;
  keysSkipped: number;
}

/**
 * Calls `onPair(i, j)` once for every distinct candidate pair with i in [leftStart, leftEnd) and j in
 * [rightStart, rightEnd). When both ranges are the same (duplicates inside one side) each unordered
 * pair is produced once, with i < j.
 */
export function forEachCandidatePair(
  p: PreparedRecords,
  left: { start: number; end: number },
  right: { start: number; end: number },
  onPair: (i: number, j: number) => void,
): BlockingStats {
  const selfJoin = left.start === right.start && left.end === right.end;
  const index = new Map<string, number[]>();
  for (let j = right.start; j < right.end; j++) {
    for (const k of blockingKeys(p, j)) {
      const list = index.get(k);
      if (list === undefined) index.set(k, [j]);
      else list.push(j);
    }
  }
  const seen = new Int32Array(p.count).fill(-1);
  let pairsCompared = 0;
  let keysSkipped = 0;
  for (let i = left.start; i < left.end; i++) {
    for (const k of blockingKeys(p, i)) {
      const list = index.get(k);
      if (list === undefined) continue;
      if (list.length > MAX_BLOCK_SIZE) {
        keysSkipped++;
        continue;
      }
      for (let x = 0; x < list.length; x++) {
        const j = list[x]!;
        if (selfJoin && j <= i) continue;
        if (seen[j] === i) continue;
        seen[j] = i;
        pairsCompared++;
        onPair(i, j);
      }
    }
  }
  return { pairsCompared, keysSkipped };
}
