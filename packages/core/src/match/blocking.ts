import type { PreparedRecords } from "./prepared-records.js";

/** Blocks bigger than this say nothing about identity ("smith", a shared front-desk phone) and are skipped. */
export const MAX_BLOCK_SIZE = 60;
/** A name token occurring more often than this across both sides is too common to block on alone. */
const MAX_TOKEN_FREQUENCY = 120;
const MAX_KEYS = 64;

/**
 * Key spaces, one after another: a key is (space offset + interned id), so blocking is integer work
 * on flat arrays with no string hashing.
 */
function keySpaces(p: PreparedRecords): number[] {
  const sizes = [
    p.phones.size,
    p.emails.size,
    p.blockNames.size,
    p.nameTokenDict.size,
    p.soundexes.size,
    p.zipPrefixes.size,
    p.streets.size,
  ];
  const offsets: number[] = [];
  let total = 0;
  for (const s of sizes) {
    offsets.push(total);
    total += s;
  }
  offsets.push(total);
  return offsets;
}

/**
 * Writes into `out` the cheap keys record i is blocked on and returns how many: phone, email, the
 * normalised name (and the alternative name), each rare name token, the Soundex of the first two name
 * words, postcode + name prefix, and street address. Two records sharing any key are a candidate pair.
 */
function blockingKeys(p: PreparedRecords, off: number[], i: number, out: Int32Array): number {
  let n = 0;
  if (p.phoneId[i]! >= 0) out[n++] = off[0]! + p.phoneId[i]!;
  if (p.emailId[i]! >= 0) out[n++] = off[1]! + p.emailId[i]!;
  if (p.blockNameId[i]! >= 0) out[n++] = off[2]! + p.blockNameId[i]!;
  if (p.blockAltId[i]! >= 0) out[n++] = off[2]! + p.blockAltId[i]!;
  const toks = p.nameTokens[i]!;
  for (let t = 0; t < toks.length && n < MAX_KEYS - 4; t++) {
    const id = toks[t]!;
    if (p.nameTokenDict.values[id]!.length > 2 && p.nameTokenDict.count(id) <= MAX_TOKEN_FREQUENCY)
      out[n++] = off[3]! + id;
  }
  if (p.soundexId[i]! >= 0) out[n++] = off[4]! + p.soundexId[i]!;
  if (p.zipPrefixId[i]! >= 0) out[n++] = off[5]! + p.zipPrefixId[i]!;
  if (p.streetId[i]! >= 0 && p.houseNumber[i] !== undefined) out[n++] = off[6]! + p.streetId[i]!;
  return n;
}

export interface BlockingStats {
  /** Distinct candidate pairs handed to the scorer. */
  pairsCompared: number;
  /** Block look-ups skipped for being bigger than MAX_BLOCK_SIZE. */
  keysSkipped: number;
}

/**
 * Calls `onPair(i, j)` once for every distinct candidate pair with i in [left.start, left.end) and j
 * in [right.start, right.end). When both ranges are the same (duplicates inside one side) each
 * unordered pair is produced once, with i < j.
 */
export function forEachCandidatePair(
  p: PreparedRecords,
  left: { start: number; end: number },
  right: { start: number; end: number },
  onPair: (i: number, j: number) => void,
): BlockingStats {
  const selfJoin = left.start === right.start && left.end === right.end;
  const off = keySpaces(p);
  const keyCount = off[off.length - 1]!;
  const keys = new Int32Array(MAX_KEYS);
  // Compressed index (CSR): start[k]..start[k+1] in `members` are the right-side records with key k.
  const start = new Int32Array(keyCount + 1);
  for (let j = right.start; j < right.end; j++) {
    const n = blockingKeys(p, off, j, keys);
    for (let x = 0; x < n; x++) start[keys[x]! + 1]! += 1;
  }
  for (let k = 0; k < keyCount; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keyCount);
  const members = new Int32Array(start[keyCount]!);
  for (let j = right.start; j < right.end; j++) {
    const n = blockingKeys(p, off, j, keys);
    for (let x = 0; x < n; x++) members[fill[keys[x]!]!++] = j;
  }

  const seen = new Int32Array(p.count).fill(-1);
  let pairsCompared = 0;
  let keysSkipped = 0;
  for (let i = left.start; i < left.end; i++) {
    const n = blockingKeys(p, off, i, keys);
    for (let x = 0; x < n; x++) {
      const k = keys[x]!;
      const from = start[k]!;
      const to = start[k + 1]!;
      if (to - from > MAX_BLOCK_SIZE) {
        keysSkipped++;
        continue;
      }
      for (let y = from; y < to; y++) {
        const j = members[y]!;
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
