// Scratch flags reused across calls: scoring runs millions of comparisons and must not allocate per pair.
let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

/** Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, prefix up to 4). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 1 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (flagsA.length < la) flagsA = new Uint8Array(la * 2);
  if (flagsB.length < lb) flagsB = new Uint8Array(lb * 2);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const c = a.charCodeAt(i);
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Token-set similarity of two sorted arrays of interned token ids: shared tokens over all distinct
 * tokens (Jaccard). Good for company names whose words come in any order.
 */
export function tokenSetSimilarity(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

/** American Soundex of one word ("robert" → "R163"), a cheap phonetic blocking key. */
export function soundex(word: string): string {
  if (word === "") return "";
  const codes = "01230120022455012623010202"; // a..z
  const first = word.charCodeAt(0);
  if (first < 97 || first > 122) return word.slice(0, 4);
  let out = String.fromCharCode(first - 32);
  let last = codes[first - 97]!;
  for (let i = 1; i < word.length && out.length < 4; i++) {
    const c = word.charCodeAt(i);
    if (c < 97 || c > 122) continue;
    const code = codes[c - 97]!;
    if (code !== "0" && code !== last) out += code;
    // h and w do not separate equal codes; vowels do.
    if (c !== 104 && c !== 119) last = code;
  }
  return out.padEnd(4, "0");
}
