/**
 * zod's optional keys come out as `key?: T | undefined`; the domain types (under
 * exactOptionalPropertyTypes) say `key?: T`. Compacting drops the undefined keys so the parsed value
 * really is the domain type, and fingerprints don't see `{"email": undefined}`.
 */
export type Compact<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

export function compact<T extends object>(value: T): Compact<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as Compact<T>;
}
