/** QBO refuses these in a DisplayName. */
const FORBIDDEN = /[:\t\r\n]/g;
/** QBO documents 500 for DisplayName but third parties report 100: stay within the stricter. */
export const DISPLAY_NAME_MAX = 100;

export type RenameKind = "middle-initial" | "street-address" | "number";

export interface RenameProposal {
  kind: RenameKind;
  name: string;
}

/** The customer whose name collides with a *different* customer (or a vendor or employee). */
export interface RenameSubject {
  name: string;
  givenName?: string;
  middleName?: string;
  familyName?: string;
  street?: string;
}

/** How QBO compares DisplayNames for uniqueness, taken at its strictest: case- and space-insensitive. */
export function displayNameKey(name: string): string {
  return name.replace(/\s+/g, " ").trim().toLowerCase();
}

function clean(name: string): string {
  return name.replace(FORBIDDEN, " ").replace(/\s+/g, " ").trim();
}

function withSuffix(base: string, suffix: string, max: number): string {
  const room = max - suffix.length;
  return clean(base).slice(0, Math.max(1, room)).trimEnd() + suffix;
}

/**
 * Proposes the renames people use when two different customers share a name: add the middle initial,
 * append the street address, append a number. Every proposal is unique against `taken` (all customer,
 * vendor and employee DisplayNames) and the other proposals, has no ':' tab or newline, and fits
 * `maxLength`. Preview only: nothing is renamed until a person picks one.
 */
export function proposeCollisionRenames(
  subject: RenameSubject,
  taken: Iterable<string>,
  maxLength = DISPLAY_NAME_MAX,
): RenameProposal[] {
  const used = new Set<string>();
  for (const t of taken) used.add(displayNameKey(t));
  used.add(displayNameKey(subject.name));
  const out: RenameProposal[] = [];
  const offer = (kind: RenameKind, name: string): boolean => {
    const n = clean(name);
    if (n === "" || n.length > maxLength || used.has(displayNameKey(n))) return false;
    used.add(displayNameKey(n));
    out.push({ kind, name: n });
    return true;
  };
  const { givenName, middleName, familyName } = subject;
  if (
    givenName !== undefined &&
    familyName !== undefined &&
    middleName !== undefined &&
    middleName.trim() !== ""
  ) {
    offer("middle-initial", `${givenName} ${middleName.trim().charAt(0).toUpperCase()}. ${familyName}`);
  }
  if (subject.street !== undefined && subject.street.trim() !== "") {
    offer("street-address", withSuffix(subject.name, ` - ${clean(subject.street)}`, maxLength));
  }
  for (let n = 2; n < 1000; n++) {
    if (offer("number", withSuffix(subject.name, ` ${n}`, maxLength))) break;
  }
  return out;
}
