import { canonicalJson } from "../fingerprint.js";
import type { QboPayload } from "./record-to-qbo.js";

export interface FieldConflict {
  field: string;
  /** What Ledgerlink last sent. */
  base: unknown;
  /** What the app wants now. */
  ours: unknown;
  /** What someone put in QBO since. */
  theirs: unknown;
}

export interface ThreeWayResult {
  /** The fields to send: ours where only we changed them. */
  merged: QboPayload;
  conflicts: FieldConflict[];
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/**
 * After QBO refused an update as stale (5010), decide field by field who changed what since the last
 * sync. Fields only the app changed are sent again on top of QBO's current version; a field both
 * sides changed to different values is a conflict for a person. Without a base (never synced by us)
 * every differing field counts as changed on both sides.
 */
export function threeWay(
  base: QboPayload | undefined,
  ours: QboPayload,
  theirs: Record<string, unknown>,
): ThreeWayResult {
  const merged: QboPayload = {};
  const conflicts: FieldConflict[] = [];
  for (const [field, value] of Object.entries(ours)) {
    const b = base?.[field];
    const weChanged = base === undefined || !same(b, value);
    if (!weChanged) continue;
    const theyChanged = base === undefined || !same(b, theirs[field]);
    if (theyChanged && !same(theirs[field], value)) {
      conflicts.push({ field, base: b, ours: value, theirs: theirs[field] });
      continue;
    }
    merged[field] = value;
  }
  return { merged, conflicts };
}
