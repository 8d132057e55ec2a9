import type { Customer } from "../customer.js";
import { canonicalJson } from "../fingerprint.js";

/** Anything that points at a customer: an invoice, credit memo or payment (ids are unique per kind). */
export interface CustomerReference {
  id: string;
  customerId: string;
}

/** A local customer's link to a QBO customer. */
export interface CustomerLink {
  localId: string;
  qboId: string;
}

/** The slice of the app's data a merge touches (the store applies journals to its tables the same way). */
export interface MergeDataset {
  customers: Customer[];
  invoices: CustomerReference[];
  creditMemos: CustomerReference[];
  payments: CustomerReference[];
  links: CustomerLink[];
}

type Collection = keyof MergeDataset;

/** One change: `before` null = inserted, `after` null = removed. `index` is where the row sat or goes. */
export interface JournalEntry {
  collection: Collection;
  /** Row key: id, or the QBO id for links (one QBO customer has at most one link). */
  key: string;
  index: number;
  before: unknown;
  after: unknown;
}

export interface MergeJournal {
  kind: "merge" | "undo-merge";
  survivorId: string;
  mergedId: string;
  entries: JournalEntry[];
  /** QBO customers left without a link because the survivor already had one: candidates to mark inactive. */
  qboDuplicates: string[];
}

const keyOf = (collection: Collection, row: unknown): string =>
  collection === "links" ? (row as CustomerLink).qboId : (row as { id: string }).id;

/** Fields the survivor takes from the merged customer when it has none of its own. */
const FILLABLE = [
  "companyName",
  "title",
  "givenName",
  "middleName",
  "familyName",
  "suffix",
  "email",
  "phone",
  "mobile",
  "billingAddress",
  "shippingAddress",
  "notes",
] as const;

/**
 * Plans merging `mergedId` into `survivorId`: the survivor fills its empty fields from the merged
 * customer; invoices, credit memos, payments and sub-customers move to the survivor; the merged customer's link moves
 * to the survivor when it has none (else it is dropped and its QBO customer reported as a duplicate);
 * the merged customer is removed. Nothing is changed: the journal lists every row with before and after,
 * so it can be applied in one transaction and undone exactly.
 */
export function planMerge(data: MergeDataset, survivorId: string, mergedId: string): MergeJournal {
  if (survivorId === mergedId)
    throw new Error(`cannot merge customer ${survivorId} into itself (field survivorId)`);
  const index = new Map(data.customers.map((c, i) => [c.id, i]));
  const si = index.get(survivorId);
  const mi = index.get(mergedId);
  if (si === undefined) throw new Error(`survivor customer ${survivorId} not found (field survivorId)`);
  if (mi === undefined) throw new Error(`merged customer ${mergedId} not found (field mergedId)`);
  const byId = new Map(data.customers.map((c) => [c.id, c]));
  for (
    let c: Customer | undefined = byId.get(survivorId);
    c !== undefined;
    c = c.parentId === undefined ? undefined : byId.get(c.parentId)
  ) {
    if (c.parentId === mergedId)
      throw new Error(`cannot merge ${mergedId} into its own sub-customer ${survivorId} (field survivorId)`);
  }
  const entries: JournalEntry[] = [];
  const survivor = data.customers[si]!;
  const merged = data.customers[mi]!;
  const filled: Customer = { ...survivor };
  for (const f of FILLABLE) {
    if (filled[f] === undefined && merged[f] !== undefined)
      (filled as unknown as Record<string, unknown>)[f] = merged[f];
  }
  if (canonicalJson(filled) !== canonicalJson(survivor))
    entries.push({ collection: "customers", key: survivorId, index: si, before: survivor, after: filled });
  data.customers.forEach((c, i) => {
    if (c.parentId === mergedId)
      entries.push({
        collection: "customers",
        key: c.id,
        index: i,
        before: c,
        after: { ...c, parentId: survivorId },
      });
  });
  for (const collection of ["invoices", "creditMemos", "payments"] as const) {
    data[collection].forEach((r, i) => {
      if (r.customerId === mergedId)
        entries.push({ collection, key: r.id, index: i, before: r, after: { ...r, customerId: survivorId } });
    });
  }
  const qboDuplicates: string[] = [];
  const survivorLinked = data.links.some((l) => l.localId === survivorId);
  data.links.forEach((l, i) => {
    if (l.localId !== mergedId) return;
    if (survivorLinked) {
      entries.push({ collection: "links", key: l.qboId, index: i, before: l, after: null });
      qboDuplicates.push(l.qboId);
    } else
      entries.push({
        collection: "links",
        key: l.qboId,
        index: i,
        before: l,
        after: { ...l, localId: survivorId },
      });
  });
  // Removals go last and from the back, so the recorded indexes stay right when replayed in order.
  const removals = entries.filter((e) => e.after === null).sort((a, b) => b.index - a.index);
  const rest = entries.filter((e) => e.after !== null);
  return {
    kind: "merge",
    survivorId,
    mergedId,
    entries: [
      ...rest,
      ...removals,
      { collection: "customers", key: mergedId, index: mi, before: merged, after: null },
    ],
    qboDuplicates,
  };
}

/** The journal that reverses `journal` exactly (entries inverted, in reverse order). */
export function undoMerge(journal: MergeJournal): MergeJournal {
  return {
    kind: journal.kind === "merge" ? "undo-merge" : "merge",
    survivorId: journal.survivorId,
    mergedId: journal.mergedId,
    entries: journal.entries
      .slice()
      .reverse()
      .map((e) => ({ ...e, before: e.after, after: e.before })),
    qboDuplicates: journal.qboDuplicates,
  };
}

/**
 * Applies a journal to a dataset and returns the new dataset (the input is not changed). Every row's
 * current value must equal the entry's `before`, so a journal never overwrites a change made since it
 * was planned; a mismatch throws naming the row.
 */
export function applyMergeJournal(data: MergeDataset, journal: MergeJournal): MergeDataset {
  const out: MergeDataset = {
    customers: [...data.customers],
    invoices: [...data.invoices],
    creditMemos: [...data.creditMemos],
    payments: [...data.payments],
    links: [...data.links],
  };
  for (const e of journal.entries) {
    const rows = out[e.collection] as unknown[];
    if (e.before === null) {
      rows.splice(Math.min(e.index, rows.length), 0, e.after);
      continue;
    }
    const at =
      rows[e.index] !== undefined && keyOf(e.collection, rows[e.index]) === e.key
        ? e.index
        : rows.findIndex((r) => keyOf(e.collection, r) === e.key);
    if (at < 0 || canonicalJson(rows[at]) !== canonicalJson(e.before)) {
      throw new Error(`${e.collection} row ${e.key} changed since the merge was planned; re-plan it`);
    }
    if (e.after === null) rows.splice(at, 1);
    else rows[at] = e.after;
  }
  return out;
}
