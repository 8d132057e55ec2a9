/** Reads and writes `displayName`, `billingAddress.city`, `lines[2].amount` on plain records, copy-on-write. */
type Key = string | number;

export function parseFieldPath(path: string): Key[] {
  const keys: Key[] = [];
  for (const part of path.split(".")) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new RangeError(`not a field path: ${path}`);
    keys.push(m[1]!);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) keys.push(Number(idx[1]));
  }
  return keys;
}

export function getField(record: unknown, path: string): unknown {
  let v: unknown = record;
  for (const k of parseFieldPath(path)) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<Key, unknown>)[k];
  }
  return v;
}

/** A copy of `record` with the field set (or removed, for `undefined`); the input is not touched. */
export function setField<T>(record: T, path: string, value: unknown): T {
  const keys = parseFieldPath(path);
  const write = (node: unknown, i: number): unknown => {
    const k = keys[i]!;
    const copy: Record<Key, unknown> | unknown[] = Array.isArray(node)
      ? [...(node as unknown[])]
      : { ...(node as Record<Key, unknown>) };
    const target = copy as Record<Key, unknown>;
    if (i === keys.length - 1) {
      if (value === undefined && !Array.isArray(copy)) delete target[k];
      else target[k] = value;
    } else target[k] = write(target[k] ?? {}, i + 1);
    return copy;
  };
  return write(record, 0) as T;
}
