import { qboLimits } from "../validate/qbo-rules.js";

/** DocNumbers compare trimmed and case-insensitively (the safe reading of QBO's uniqueness check). */
export const docNumberKey = (docNumber: string): string => docNumber.trim().toLowerCase();

function digest(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36).toUpperCase().padStart(7, "0").slice(-4);
}

/**
 * The documented shortening rule for a DocNumber longer than QBO's 21 characters: keep its last 16
 * characters (where invoice numbers keep their running number) and prefix 4 characters of a digest of
 * the whole original and a dash: `ACME-SERVICES-2024-000123` → `K3QZ-ICES-2024-000123`. The same
 * original always gives the same result; if that result is taken, the digest is salted with 1, 2, ...
 * until it is free, so it stays unique among `isTaken` numbers.
 */
export function shortenDocNumber(original: string, isTaken: (docNumber: string) => boolean): string {
  const text = original.trim();
  const tail = text.slice(-(qboLimits.docNumber - 5));
  for (let salt = 0; ; salt++) {
    const candidate = `${digest(salt === 0 ? text : `${text}#${salt}`)}-${tail}`;
    if (!isTaken(candidate)) return candidate;
  }
}

/** A free variant of a taken DocNumber for a renumber suggestion: `1001-2`, `1001-3`, ... within 21 characters. */
export function nextFreeDocNumber(docNumber: string, isTaken: (docNumber: string) => boolean): string {
  const base = docNumber.trim();
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = base.slice(0, qboLimits.docNumber - suffix.length) + suffix;
    if (!isTaken(candidate)) return candidate;
  }
}
