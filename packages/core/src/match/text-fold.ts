/**
 * Folds text to the alphabet the matchers compare on: lower case, accents removed (NFKD then
 * combining marks dropped), apostrophes and periods joined ("O'Brien" → "obrien", "J.B." → "jb"),
 * "&" spelled "and", every other non-alphanumeric run turned into one space.
 */
export function foldText(raw: string): string {
  let s = raw
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  s = s
    .replace(/[’'`.]/g, "")
    .replace(/&/g, " and ")
    .replace(/\+/g, " and ");
  return s.replace(/[^a-z0-9]+/g, " ").trim();
}

/** Splits folded text into tokens (empty input gives none). */
export function tokens(folded: string): string[] {
  return folded === "" ? [] : folded.split(" ");
}
