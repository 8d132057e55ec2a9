import {
  type Customer,
  type CustomerReference,
  type JournalEntry,
  type MergeDataset,
  type MergeJournal,
  planMerge,
  recordRef,
} from "@ledgerlink/core";
import type { Kysely, Transaction } from "kysely";
import { ReviewConflictError, ReviewInputError, ReviewNotFoundError } from "./match-review-store-errors.js";
import type { Database } from "./schema.js";

/** A `records` row as stored, every column (the company is implied). */
export interface RecordRow {
  kind: string;
  id: string;
  parent_id: string | null;
  name: string | null;
  data: string;
  active: number | boolean;
  updated_at: string;
  deleted_at: string | null;
}

/** A `links` row as stored, every column (the company is implied). */
export interface LinkRow {
  entity: string;
  local_id: string;
  qbo_id: string;
  sync_token: string;
  fingerprint: string;
  last_synced_at: string;
}

/** One row a merge changed, as it was and as the merge left it (null = absent). */
export type RowChange =
  | { table: "records"; ref: string; before: RecordRow | null; after: RecordRow | null }
  | { table: "links"; ref: string; before: LinkRow | null; after: LinkRow | null };

/** What `customer_merges.journal` holds: core's plan and the exact rows it became. */
export interface StoredMergeJournal {
  plan: MergeJournal;
  changes: RowChange[];
}

const RECORD_COLUMNS = [
  "kind",
  "id",
  "parent_id",
  "name",
  "data",
  "active",
  "updated_at",
  "deleted_at",
] as const;
const LINK_COLUMNS = ["entity", "local_id", "qbo_id", "sync_token", "fingerprint", "last_synced_at"] as const;

const KIND_OF = {
  customers: "customer",
  invoices: "invoice",
  creditMemos: "creditMemo",
  payments: "payment",
} as const;

type Trx = Transaction<Database> | Kysely<Database>;

/** The company's rows a merge of `mergedId` into `survivorId` reads, keyed for the journal. */
interface MergeRows {
  dataset: MergeDataset;
  records: Map<string, RecordRow>;
  links: Map<string, LinkRow>;
}

const recordKey = (kind: string, id: string): string => `${kind}\u0000${id}`;

async function loadMergeRows(
  trx: Trx,
  companyId: string,
  survivorId: string,
  mergedId: string,
): Promise<MergeRows> {
  const records = new Map<string, RecordRow>();
  const base = () => trx.selectFrom("records").select(RECORD_COLUMNS).where("company_id", "=", companyId);
  const live = await base()
    .where("kind", "=", "customer")
    .where("id", "in", [survivorId, mergedId])
    .where("deleted_at", "is", null)
    .execute();
  for (const [field, id] of [
    ["survivorId", survivorId],
    ["mergedId", mergedId],
  ] as const) {
    if (!live.some((r) => r.id === id))
      throw new ReviewNotFoundError(
        recordRef("customer", id),
        field,
        `customer ${recordRef("customer", id)} not found (field ${field})`,
      );
  }
  for (const r of live) records.set(recordKey("customer", r.id), r);
  // The survivor's ancestors, so planning can refuse merging a customer into its own sub-customer.
  let parent = live.find((r) => r.id === survivorId)!.parent_id;
  for (
    let depth = 0;
    parent !== null && depth < 100 && !records.has(recordKey("customer", parent));
    depth++
  ) {
    const row = await base().where("kind", "=", "customer").where("id", "=", parent).executeTakeFirst();
    if (row === undefined) break;
    records.set(recordKey("customer", row.id), row);
    parent = row.parent_id;
  }
  // Everything that points at the merged customer moves, deleted rows too, so none is left dangling.
  const referencing = await base()
    .where("kind", "in", ["customer", "invoice", "creditMemo", "payment"])
    .where("parent_id", "=", mergedId)
    .orderBy("kind")
    .orderBy("id")
    .execute();
  for (const r of referencing) records.set(recordKey(r.kind, r.id), r);

  const linkRows = await trx
    .selectFrom("links")
    .select(LINK_COLUMNS)
    .where("company_id", "=", companyId)
    .where("entity", "=", "customer")
    .where("local_id", "in", [survivorId, mergedId])
    .orderBy("local_id")
    .execute();
  const links = new Map(linkRows.map((l) => [l.qbo_id, l]));

  const dataset: MergeDataset = { customers: [], invoices: [], creditMemos: [], payments: [], links: [] };
  for (const r of records.values()) {
    const value: unknown = JSON.parse(r.data);
    if (r.kind === "customer") dataset.customers.push(value as Customer);
    else if (r.kind === "invoice") dataset.invoices.push(value as CustomerReference);
    else if (r.kind === "creditMemo") dataset.creditMemos.push(value as CustomerReference);
    else dataset.payments.push(value as CustomerReference);
  }
  dataset.links = linkRows.map((l) => ({ localId: l.local_id, qboId: l.qbo_id }));
  return { dataset, records, links };
}

/** Turns core's journal entries into the exact rows they change. */
function rowChanges(plan: MergeJournal, rows: MergeRows, at: string): RowChange[] {
  return plan.entries.map((e: JournalEntry): RowChange => {
    if (e.collection === "links") {
      const before = rows.links.get(e.key)!;
      const after =
        e.after === null ? null : { ...before, local_id: (e.after as { localId: string }).localId };
      return { table: "links", ref: recordRef("customer", before.local_id), before, after };
    }
    const kind = KIND_OF[e.collection];
    const before = rows.records.get(recordKey(kind, e.key))!;
    const ref = recordRef(kind, e.key);
    if (e.after === null) return { table: "records", ref, before, after: null };
    const value = e.after as { parentId?: string; customerId?: string };
    const parentId = kind === "customer" ? (value.parentId ?? null) : (value.customerId ?? null);
    return {
      table: "records",
      ref,
      before,
      after: { ...before, data: JSON.stringify(e.after), parent_id: parentId, updated_at: at },
    };
  });
}

function sameRecordRow(trx: Trx, companyId: string, row: RecordRow) {
  return trx
    .selectFrom("records")
    .select(RECORD_COLUMNS)
    .where("company_id", "=", companyId)
    .where("kind", "=", row.kind)
    .where("id", "=", row.id);
}

const canonical = (row: object | undefined | null, columns: readonly string[]): string =>
  row == null ? "null" : JSON.stringify(columns.map((c) => (row as Record<string, unknown>)[c]));

/**
 * Moves one row from `from` to `to` (either may be null: insert or delete), refusing when the row is not
 * exactly `from` now, or when `to`'s key is already taken: a merge or its undo never overwrites a
 * change made in between.
 */
async function applyChange(
  trx: Trx,
  companyId: string,
  change: RowChange,
  from: RecordRow | LinkRow | null,
  to: RecordRow | LinkRow | null,
): Promise<void> {
  const conflict = (what: string) =>
    new ReviewConflictError(
      change.ref,
      "changed-since",
      `${change.ref} ${what}; the merge cannot be applied exactly`,
    );
  if (change.table === "records") {
    const f = from as RecordRow | null;
    const t = to as RecordRow | null;
    const key = f ?? t!;
    const now = await sameRecordRow(trx, companyId, key).executeTakeFirst();
    if (canonical(now, RECORD_COLUMNS) !== canonical(f, RECORD_COLUMNS))
      throw conflict(f === null ? "exists again" : "changed since");
    if (t === null) {
      await trx
        .deleteFrom("records")
        .where("company_id", "=", companyId)
        .where("kind", "=", key.kind)
        .where("id", "=", key.id)
        .execute();
    } else if (f === null) {
      await trx
        .insertInto("records")
        .values({ company_id: companyId, ...t })
        .execute();
    } else {
      const { kind, id, ...rest } = t;
      await trx
        .updateTable("records")
        .set(rest)
        .where("company_id", "=", companyId)
        .where("kind", "=", kind)
        .where("id", "=", id)
        .execute();
    }
    return;
  }
  const f = from as LinkRow | null;
  const t = to as LinkRow | null;
  const linkAt = (row: LinkRow) =>
    trx
      .selectFrom("links")
      .select(LINK_COLUMNS)
      .where("company_id", "=", companyId)
      .where("entity", "=", row.entity)
      .where("local_id", "=", row.local_id)
      .executeTakeFirst();
  if (f !== null) {
    if (canonical(await linkAt(f), LINK_COLUMNS) !== canonical(f, LINK_COLUMNS))
      throw conflict("changed since");
    await trx
      .deleteFrom("links")
      .where("company_id", "=", companyId)
      .where("entity", "=", f.entity)
      .where("local_id", "=", f.local_id)
      .execute();
  }
  if (t !== null) {
    const taken = await trx
      .selectFrom("links")
      .select("local_id")
      .where("company_id", "=", companyId)
      .where("entity", "=", t.entity)
      .where((eb) => eb.or([eb("local_id", "=", t.local_id), eb("qbo_id", "=", t.qbo_id)]))
      .executeTakeFirst();
    if (taken !== undefined) throw conflict(`is linked again (to ${recordRef("customer", taken.local_id)})`);
    await trx
      .insertInto("links")
      .values({ company_id: companyId, ...t })
      .execute();
  }
}

export interface MergePlanned {
  plan: MergeJournal;
  changes: RowChange[];
}

/** Plans the merge with core's `planMerge` on the company's rows, and applies it row by row. */
export async function applyMerge(
  trx: Trx,
  companyId: string,
  survivorId: string,
  mergedId: string,
  at: string,
): Promise<MergePlanned> {
  if (survivorId === mergedId)
    throw new ReviewInputError(
      recordRef("customer", survivorId),
      "survivorId",
      `cannot merge customer ${recordRef("customer", survivorId)} into itself (field survivorId)`,
    );
  const rows = await loadMergeRows(trx, companyId, survivorId, mergedId);
  let plan: MergeJournal;
  try {
    plan = planMerge(rows.dataset, survivorId, mergedId);
  } catch (e) {
    // What is left for planMerge to refuse is a merge into the merged customer's own sub-customer.
    const message = e instanceof Error ? e.message : String(e);
    const field = /\(field (\w+)\)/.exec(message)?.[1] ?? "survivorId";
    throw new ReviewInputError(recordRef("customer", survivorId), field, message);
  }
  const changes = rowChanges(plan, rows, at);
  for (const c of changes) await applyChange(trx, companyId, c, c.before, c.after);
  return { plan, changes };
}

/** Puts back every row a merge changed, last change first; refuses if any changed since the merge. */
export async function revertMerge(trx: Trx, companyId: string, journal: StoredMergeJournal): Promise<void> {
  for (const c of journal.changes.slice().reverse()) await applyChange(trx, companyId, c, c.after, c.before);
}
