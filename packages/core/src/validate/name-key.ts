/**
 * How QBO-unique names are compared: case-insensitive, whitespace trimmed and collapsed (QBO-API.md:
 * case sensitivity is not confirmed, so treat it as insensitive to be safe).
 */
export function nameKey(name: string): string {
  // Most names need no whitespace work; skip the replace and trim allocations for them.
  return (/[^\S ]| {2}|^ | $/.test(name) ? name.replace(/\s+/g, " ").trim() : name).toLowerCase();
}

/** QBO appends " (deleted)" to the DisplayName of an inactive customer; the name it reserves is without it. */
export function qboInactiveNameKey(displayName: string): string {
  return nameKey(displayName.replace(/\s*\(deleted\)\s*$/i, ""));
}
