// Scratch match marks reused across calls (scoring runs millions of comparisons and must not allocate
// per pair). A slot is "matched" when it holds the current call's stamp, so nothing is cleared between calls.
let marksA = new Int32Array(256);
let marksB = new Int32Array(256);
let stamp = 0;

/** Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, prefix up to 4). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (marksA.length < la) marksA = new Int32Array(la * 2);
  if (marksB.length < lb) marksB = new Int32Array(lb * 2);
  const ma = marksA;
  const mb = marksB;
  if (++stamp === 0x7fffffff) {
    ma.fill(0);
    mb.fill(0);
    stamp = 1;
  }
  const st = stamp;
  const window = Math.max(0, (la > lb ? la : lb) / 2 - 1) | 0;
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const c = a.charCodeAt(i);
    const lo = i > window ? i - window : 0;
    const hi = i + window < lb - 1 ? i + window : lb - 1;
    for (let j = lo; j <= hi; j++) {
      if (mb[j] !== st && b.charCodeAt(j) === c) {
        ma[i] = st;
        mb[j] = st;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (ma[i] !== st) continue;
    while (mb[k] !== st) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  const maxPrefix = la < lb ? (la < 4 ? la : 4) : lb < 4 ? lb : 4;
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
