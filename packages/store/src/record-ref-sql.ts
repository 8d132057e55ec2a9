import { sql, type RawBuilder } from "kysely";

/** The record kinds of the `records` table and their reference prefixes (`C:1042`, `INV:77`). */
export const refPrefixOfKind = {
  customer: "C",
  item: "ITEM",
  invoice: "INV",
  creditMemo: "CM",
  payment: "PMT",
} as const;
export type StoredKind = keyof typeof refPrefixOfKind;

const kindOfPrefix = new Map<string, StoredKind>(
  Object.entries(refPrefixOfKind).map(([k, p]) => [p, k as StoredKind]),
);

/** `INV:77` → { kind: "invoice", id: "77" }; undefined for a prefix that is not a stored kind (ACCT). */
export function storedKindOfRef(ref: string): { kind: StoredKind; id: string } | undefined {
  const i = ref.indexOf(":");
  if (i < 0) return undefined;
  const kind = kindOfPrefix.get(ref.slice(0, i));
  return kind === undefined ? undefined : { kind, id: ref.slice(i + 1) };
}

export const refOf = (kind: StoredKind, id: string): string => `${refPrefixOfKind[kind]}:${id}`;

/** The reference of a `records` row in SQL (`kind`, `id` columns of `alias`). */
export function refSql(alias: string): RawBuilder<string> {
  const cases = Object.entries(refPrefixOfKind)
    .map(([k, p]) => `when '${k}' then '${p}:'`)
    .join(" ");
  return sql<string>`(case ${sql.ref(`${alias}.kind`)} ${sql.raw(cases)} else '' end || ${sql.ref(`${alias}.id`)})`;
}

/** The range of refs with a prefix: `ref >= lo and ref < hi` (the colon's successor is `;`). */
export const refPrefixRange = (prefix: string): [string, string] => [`${prefix}:`, `${prefix};`];
