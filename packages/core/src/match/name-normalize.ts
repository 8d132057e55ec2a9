import { foldText, tokens } from "./text-fold.js";

/** QBO appends this to the DisplayName of an inactive customer. */
const DELETED_SUFFIX = /\s*\(deleted\)\s*$/i;

/** Legal-form words dropped from the end of a company name (folded spellings). */
const LEGAL_SUFFIXES = new Set([
  "inc",
  "incorporated",
  "llc",
  "lc",
  "ltd",
  "limited",
  "co",
  "company",
  "corp",
  "corporation",
  "llp",
  "lp",
  "plc",
  "pllc",
  "pc",
  "pa",
  "gmbh",
  "sa",
  "sarl",
  "bv",
  "pty",
  "na",
]);
/** Two-token legal forms that fold into separate letters ("L.L.C." folds to "llc", "L L C" does not). */
const LEGAL_LETTER_RUNS = [
  ["l", "l", "c"],
  ["l", "l", "p"],
  ["p", "l", "l", "c"],
];

const HONORIFICS = new Set(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "madam", "mister"]);
const GENERATIONAL: Record<string, string> = { junior: "jr", senior: "sr", "2nd": "ii", "3rd": "iii" };

/** What normalising a name removed or changed, so a reason can say "after removing 'Inc'". */
export interface NameNormalization {
  /** The folded, normalised name compared by the scorer. */
  key: string;
  /** The same tokens sorted, so word order ("Smith John") does not matter. */
  sortedKey: string;
  tokens: string[];
  removed: string[];
  reordered: boolean;
  deleted: boolean;
}

/** Strips QBO's " (deleted)" suffix from an inactive customer's DisplayName. */
export function stripDeletedSuffix(name: string): { name: string; deleted: boolean } {
  const stripped = name.replace(DELETED_SUFFIX, "");
  return { name: stripped, deleted: stripped.length !== name.length };
}

function stripLegalSuffixes(toks: string[], removed: string[]): string[] {
  const out = toks.slice();
  let changed = true;
  while (changed && out.length > 1) {
    changed = false;
    const last = out[out.length - 1]!;
    if (LEGAL_SUFFIXES.has(last)) {
      removed.push(last);
      out.pop();
      changed = true;
      continue;
    }
    for (const run of LEGAL_LETTER_RUNS) {
      if (out.length > run.length && run.every((t, i) => out[out.length - run.length + i] === t)) {
        removed.push(run.join(""));
        out.splice(out.length - run.length);
        changed = true;
        break;
      }
    }
  }
  // "Smith and Co" leaves a dangling "and".
  if (out.length > 1 && out[out.length - 1] === "and") out.pop();
  return out;
}

/**
 * Normalises a customer or company name for comparison: case, accents, punctuation, "&"/"and",
 * legal suffixes (Inc, LLC, Ltd, Co, Corp...), honorifics, "Last, First" → "First Last", middle
 * initials, and QBO's " (deleted)" suffix.
 */
export function normalizeName(raw: string): NameNormalization {
  const removed: string[] = [];
  const del = stripDeletedSuffix(raw.trim());
  if (del.deleted) removed.push("(deleted)");
  let text = del.name;
  let reordered = false;

  // "Last, First [M]" is reordered before folding erases the comma. A comma followed only by a legal
  // suffix ("Acme, Inc.") is not a name order.
  const comma = text.split(",");
  if (comma.length === 2) {
    const before = tokens(foldText(comma[0]!));
    const after = tokens(foldText(comma[1]!));
    const afterIsLegal = after.length > 0 && stripLegalSuffixes(["x", ...after], []).length === 1;
    if (!afterIsLegal && before.length >= 1 && before.length <= 2 && after.length >= 1 && after.length <= 3) {
      text = `${comma[1]} ${comma[0]}`;
      reordered = true;
    }
  }

  let toks = tokens(foldText(text));
  while (toks.length > 1 && HONORIFICS.has(toks[0]!)) removed.push(toks.shift()!);
  toks = toks.map((t) => GENERATIONAL[t] ?? t);
  const legalBefore = removed.length;
  toks = stripLegalSuffixes(toks, removed);
  const isCompany = removed.length > legalBefore;

  // A lone letter between a person's first and last names is a middle initial; in a company name
  // ("J and B Plumbing") single letters are the name itself.
  if (!isCompany && toks.length >= 3 && !toks.includes("and")) {
    const kept = toks.filter((t, i) => i === 0 || i === toks.length - 1 || t.length > 1);
    if (kept.length !== toks.length) {
      removed.push(...toks.filter((t, i) => i > 0 && i < toks.length - 1 && t.length === 1));
      toks = kept;
    }
  }
  const key = toks.join(" ");
  const sortedKey = toks.slice().sort().join(" ");
  return { key, sortedKey, tokens: toks, removed, reordered, deleted: del.deleted };
}
