import type { RecordRef } from "../record-ref.js";

/**
 * A reference, inside a planned payload, to another of the app's records whose QBO Id may not exist
 * yet (a parent created earlier in the same run). Plans and fingerprints carry the placeholder, so
 * they do not change when QBO hands out Ids; it is resolved just before the request is sent.
 */
export interface LocalRef {
  $local: RecordRef;
}

export const localRef = (ref: RecordRef): LocalRef => ({ $local: ref });

const isLocalRef = (v: unknown): v is LocalRef =>
  v !== null && typeof v === "object" && typeof (v as { $local?: unknown }).$local === "string";

/** Every record a payload refers to, in order of first appearance. */
export function localRefsIn(payload: unknown): RecordRef[] {
  const out = new Set<RecordRef>();
  const walk = (v: unknown): void => {
    if (isLocalRef(v)) out.add(v.$local);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(payload);
  return [...out];
}

export class UnresolvedReferenceError extends Error {
  override readonly name = "UnresolvedReferenceError";
  constructor(readonly ref: RecordRef) {
    super(`${ref} has no QuickBooks Id yet`);
  }
}

/** A copy of the payload with each placeholder replaced by the QBO Id `qboIdOf` gives. */
export function resolveLocalRefs<T>(payload: T, qboIdOf: (ref: RecordRef) => string | undefined): T {
  const walk = (v: unknown): unknown => {
    if (isLocalRef(v)) {
      const id = qboIdOf(v.$local);
      if (id === undefined) throw new UnresolvedReferenceError(v.$local);
      return id;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(payload) as T;
}
