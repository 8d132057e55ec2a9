/** A postal address as the business app holds it. */
export interface Address {
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

/**
 * A customer as the business app knows it. `id` is the app's own id; `parentId` makes this a job
 * or site under another customer (QBO's sub-customer).
 */
export interface Customer {
  id: string;
  parentId?: string;
  displayName: string;
  companyName?: string;
  title?: string;
  givenName?: string;
  middleName?: string;
  familyName?: string;
  suffix?: string;
  email?: string;
  phone?: string;
  mobile?: string;
  billingAddress?: Address;
  shippingAddress?: Address;
  notes?: string;
  active: boolean;
}

/** Orders customers so every parent comes before its children (stable otherwise). */
export function parentsFirst<T extends { id: string; parentId?: string }>(records: readonly T[]): T[] {
  const byId = new Map(records.map((r) => [r.id, r]));
  const placed = new Set<string>();
  const out: T[] = [];
  const visiting = new Set<string>();
  const place = (r: T): void => {
    if (placed.has(r.id) || visiting.has(r.id)) return; // a cycle is reported by validation, not here
    visiting.add(r.id);
    const parent = r.parentId === undefined ? undefined : byId.get(r.parentId);
    if (parent) place(parent);
    visiting.delete(r.id);
    placed.add(r.id);
    out.push(r);
  };
  for (const r of records) place(r);
  return out;
}
