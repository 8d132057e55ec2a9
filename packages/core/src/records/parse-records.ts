import type { z } from "zod";
import type { Customer } from "../customer.js";
import { recordRef, type RecordRef } from "../record-ref.js";
import { customerRecordSchema } from "./customer-record.js";
import { itemRecordSchema, type ItemRecord } from "./item-record.js";
import { paymentRecordSchema, type PaymentRecord } from "./payment-record.js";
import {
  creditMemoRecordSchema,
  invoiceRecordSchema,
  type CreditMemoRecord,
  type InvoiceRecord,
} from "./sales-document-record.js";

/** The record kinds the business app sends. */
export type IncomingKind = "customer" | "item" | "invoice" | "creditMemo" | "payment";

export interface IncomingRecordOf {
  customer: Customer;
  item: ItemRecord;
  invoice: InvoiceRecord;
  creditMemo: CreditMemoRecord;
  payment: PaymentRecord;
}

const schemas: { [K in IncomingKind]: z.ZodType<IncomingRecordOf[K]> } = {
  customer: customerRecordSchema,
  item: itemRecordSchema,
  invoice: invoiceRecordSchema,
  creditMemo: creditMemoRecordSchema,
  payment: paymentRecordSchema,
};

const kindNoun: Record<IncomingKind, string> = {
  customer: "a customer",
  item: "an item",
  invoice: "an invoice",
  creditMemo: "a credit memo",
  payment: "a payment",
};

export interface FieldIssue {
  /** The field's path, as `lines[2].qty`; `(record)` for the record as a whole. */
  field: string;
  message: string;
}

/** A row that was not accepted, with every problem found in it. */
export interface RejectedRecord {
  /** Position in the input (row 0 is the first record, not a CSV header). */
  index: number;
  id?: string;
  ref?: RecordRef;
  /** The first problem's field and a message naming record and field; all problems in `issues`. */
  field: string;
  message: string;
  issues: FieldIssue[];
}

export interface ParseResult<T> {
  ok: T[];
  /** `okIndexes[i]` is the input position of `ok[i]`. */
  okIndexes: number[];
  rejected: RejectedRecord[];
}

function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? "(record)" : out;
}

function issuesOf(kind: IncomingKind, error: z.ZodError): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        out.push({
          field: fieldPath([...issue.path, key]),
          message: `is not a field of ${kindNoun[kind]} (check the spelling or the column mapping)`,
        });
    } else if (issue.path.length === 0 && issue.code === "invalid_type") {
      out.push({ field: "(record)", message: `must be an object describing ${kindNoun[kind]}` });
    } else {
      out.push({ field: fieldPath(issue.path), message: issue.message });
    }
  }
  return out;
}

function idOf(row: unknown): string | undefined {
  if (row === null || typeof row !== "object") return undefined;
  const id = (row as Record<string, unknown>)["id"];
  if (typeof id === "string" && id.trim() !== "") return id.trim();
  if (typeof id === "number" && Number.isInteger(id)) return String(id);
  return undefined;
}

/** "rows 0 and 3", "rows 0, 3, 9 and 2 more": where an id occurs, for a duplicate's message. */
function rowList(indexes: readonly number[]): string {
  const shown = indexes.slice(0, 3);
  const more = indexes.length - shown.length;
  if (more > 0) return `rows ${shown.join(", ")} and ${more} more`;
  return `rows ${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]!}`;
}

/**
 * Parses the app's rows of one kind. Good rows come back typed and normalised; each bad row comes back
 * once, naming the record (`C:1042`) and every field at fault. An id sent more than once in a batch
 * rejects every row carrying it: the batch says two things about one record, and storing either (first
 * or last) would silently pick one. The app resends the one it means.
 */
export function parseRecords<K extends IncomingKind>(
  kind: K,
  rows: readonly unknown[],
): ParseResult<IncomingRecordOf[K]> {
  const schema = schemas[kind];
  const result: ParseResult<IncomingRecordOf[K]> = { ok: [], okIndexes: [], rejected: [] };
  const indexesById = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const id = idOf(row);
    if (id === undefined) return;
    const seen = indexesById.get(id);
    if (seen === undefined) indexesById.set(id, [index]);
    else seen.push(index);
  });
  rows.forEach((row, index) => {
    const parsed = schema.safeParse(row);
    const id = parsed.success ? (parsed.data as { id: string }).id : idOf(row);
    const ref = id === undefined ? undefined : recordRef(kind, id);
    const reject = (issues: FieldIssue[]): void => {
      const first = issues[0] ?? { field: "(record)", message: "is not valid" };
      const who = ref ?? `row ${index}`;
      const rejected: RejectedRecord = {
        index,
        field: first.field,
        message: `${who}: ${first.field} ${first.message}`,
        issues,
      };
      if (id !== undefined) rejected.id = id;
      if (ref !== undefined) rejected.ref = ref;
      result.rejected.push(rejected);
    };
    const sameId = id === undefined ? undefined : indexesById.get(id);
    const duplicate: FieldIssue[] =
      sameId !== undefined && sameId.length > 1
        ? [
            {
              field: "id",
              message: `appears ${sameId.length} times in this batch (${rowList(sameId)}); none of them is stored: send one record per id`,
            },
          ]
        : [];
    if (!parsed.success) return reject([...duplicate, ...issuesOf(kind, parsed.error)]);
    if (duplicate.length > 0) return reject(duplicate);
    result.ok.push(parsed.data);
    result.okIndexes.push(index);
  });
  return result;
}
