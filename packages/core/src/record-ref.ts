/**
 * The short references office staff use to name a record: `C:1042` for a customer,
 * `INV:77` for an invoice. Every finding, error and audit entry carries one.
 */
export const recordKinds = {
  customer: "C",
  item: "ITEM",
  account: "ACCT",
  invoice: "INV",
  creditMemo: "CM",
  payment: "PMT",
} as const;

export type RecordKind = keyof typeof recordKinds;
export type RecordRef = `${(typeof recordKinds)[RecordKind]}:${string}`;

const kindByPrefix = new Map<string, RecordKind>(
  Object.entries(recordKinds).map(([kind, prefix]) => [prefix, kind as RecordKind]),
);

export function recordRef(kind: RecordKind, id: string): RecordRef {
  return `${recordKinds[kind]}:${id}`;
}

/** Parses `C:1042` (case-insensitive prefix, spaces tolerated); undefined when it is not a reference. */
export function parseRecordRef(text: string): { kind: RecordKind; id: string } | undefined {
  const m = /^\s*([A-Za-z]+)\s*:\s*(\S.*?)\s*$/.exec(text);
  if (!m) return undefined;
  const kind = kindByPrefix.get(m[1]!.toUpperCase());
  return kind ? { kind, id: m[2]! } : undefined;
}
