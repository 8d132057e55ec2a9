import type { IncomingKind } from "@ledgerlink/core";
import { CsvImportError } from "./csv-import-decode.js";

/** Which CSV column feeds which field: `{ displayName: "Name", "billingAddress.city": "City" }`. */
export type ColumnMapping = Record<string, string>;

/**
 * The fields a CSV column can feed, per kind, as paths into the record the HTTP API takes. Documents
 * and payments span several rows: the `lines.*` / `appliedTo.*` fields come from every row of the
 * group, the others from its first row.
 */
export interface CsvLayout {
  noun: string;
  /** The noun with its article, for messages ("an invoice"). */
  aNoun: string;
  fields: readonly string[];
  /** The repeated part of a document or payment, one per row of its group. */
  child?: { key: "lines" | "appliedTo"; fields: readonly string[] };
  /** Each entry must have a column; an entry with alternatives needs one of them. */
  required: readonly (readonly string[])[];
}

const address = (prefix: string) =>
  ["line1", "line2", "city", "region", "postalCode", "country"].map((f) => `${prefix}.${f}`);

const documentFields = ["id", "docNumber", "customerId", "txnDate", "memo", "total"];
const lineFields = ["itemId", "description", "qty", "unitPrice", "amount", "taxCode"].map(
  (f) => `lines.${f}`,
);
const documentRequired = [["id"], ["customerId"], ["txnDate"], ["lines.unitPrice"]] as const;

export const csvLayouts: Record<IncomingKind, CsvLayout> = {
  customer: {
    noun: "customer",
    aNoun: "a customer",
    fields: [
      "id",
      "parentId",
      "displayName",
      "companyName",
      "title",
      "givenName",
      "middleName",
      "familyName",
      "suffix",
      "email",
      "phone",
      "mobile",
      ...address("billingAddress"),
      ...address("shippingAddress"),
      "notes",
      "active",
    ],
    required: [["id"], ["displayName", "companyName", "givenName", "familyName"]],
  },
  item: {
    noun: "item",
    aNoun: "an item",
    fields: ["id", "name", "sku", "type", "description", "unitPrice", "incomeAccount", "active"],
    required: [["id"], ["name"]],
  },
  invoice: {
    noun: "invoice",
    aNoun: "an invoice",
    fields: [...documentFields, "dueDate"],
    child: { key: "lines", fields: lineFields },
    required: documentRequired,
  },
  creditMemo: {
    noun: "credit memo",
    aNoun: "a credit memo",
    fields: documentFields,
    child: { key: "lines", fields: lineFields },
    required: documentRequired,
  },
  payment: {
    noun: "payment",
    aNoun: "a payment",
    fields: ["id", "customerId", "amount", "txnDate", "reference", "memo"],
    child: { key: "appliedTo", fields: ["appliedTo.invoiceId", "appliedTo.amount"] },
    required: [["id"], ["customerId"], ["amount"], ["txnDate"]],
  },
};

/**
 * Parses `field=Column` specs (the CLI's `--field`, the API's `field` query parameter). Splits at the
 * first "=", so a column name may itself hold one.
 */
export function parseColumnMapping(specs: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const field = spec.slice(0, eq).trim();
    const column = spec.slice(eq + 1);
    if (eq <= 0 || column.trim() === "")
      throw new CsvImportError("invalid_mapping", `"${spec}" is not field=Column, e.g. displayName=Company`, {
        field: spec,
      });
    if (mapping[field] !== undefined && mapping[field] !== column)
      throw new CsvImportError(
        "invalid_mapping",
        `field ${field} is mapped twice ("${mapping[field]}" and "${column}")`,
        { field },
      );
    mapping[field] = column;
  }
  return mapping;
}

/** Where each field is read from: the column's index in the header, and its name for messages. */
export interface ResolvedColumns {
  /** field → column index, for the fields that have a column. */
  index: Map<string, number>;
  /** field → column name (the effective mapping, reported back to the caller). */
  columns: Record<string, string>;
  /** Header columns no field reads (reported, so a typo in a header is visible in the preview). */
  ignored: string[];
}

const headerKey = (name: string) => name.trim().toLowerCase();

/**
 * Resolves the mapping against the file's header. A field with no explicit mapping reads the column
 * named like it (case-insensitively), so a file with `id,displayName,email` needs no mapping at all.
 * Every problem is a CsvImportError naming the field and column, raised before any row is read.
 */
export function resolveColumns(kind: IncomingKind, header: readonly string[], mapping: ColumnMapping) {
  const layout = csvLayouts[kind];
  const all = [...layout.fields, ...(layout.child?.fields ?? [])];
  const known = new Set(all);
  const list = (names: readonly string[]) => names.map((n) => `"${n}"`).join(", ");
  for (const field of Object.keys(mapping)) {
    if (!known.has(field))
      throw new CsvImportError(
        "invalid_mapping",
        `"${field}" is not a field of ${layout.aNoun}; the fields are ${all.join(", ")}`,
        { field },
      );
  }
  const positions = new Map<string, number[]>();
  header.forEach((name, i) => {
    const key = headerKey(name);
    positions.set(key, [...(positions.get(key) ?? []), i]);
  });
  const resolved: ResolvedColumns = { index: new Map(), columns: {}, ignored: [] };
  for (const field of all) {
    const explicit = mapping[field];
    let at: number[] | undefined;
    if (explicit !== undefined) {
      const exact = header.flatMap((name, i) => (name === explicit ? [i] : []));
      at = exact.length > 0 ? exact : positions.get(headerKey(explicit));
      if (at === undefined) {
        const semicolons = header.length === 1 && header[0]!.includes(";");
        throw new CsvImportError(
          "missing_column",
          `the file has no column "${explicit}" (mapped to ${field}); its columns are ${list(header)}` +
            (semicolons ? ' (is it separated by ";"? say delimiter=;)' : ""),
          { field, column: explicit },
        );
      }
    } else {
      at = positions.get(headerKey(field));
      if (at === undefined) continue;
    }
    if (at.length > 1)
      throw new CsvImportError(
        "missing_column",
        `column "${header[at[0]!]}" (for ${field}) appears ${at.length} times in the header; rename one`,
        { field, column: header[at[0]!]! },
      );
    resolved.index.set(field, at[0]!);
    resolved.columns[field] = header[at[0]!]!;
  }
  for (const alternatives of layout.required) {
    if (alternatives.some((f) => resolved.index.has(f))) continue;
    const first = alternatives[0]!;
    const which = alternatives.length > 1 ? `one of ${alternatives.join(", ")}` : first;
    throw new CsvImportError(
      "missing_column",
      `no column for ${which}: ${layout.aNoun} needs it; map one with ${first}=Column ` +
        `(the file's columns are ${list(header)})`,
      { field: first },
    );
  }
  const child = layout.child;
  if (child !== undefined && child.key === "appliedTo") {
    const mapped = child.fields.filter((f) => resolved.index.has(f));
    if (mapped.length === 1) {
      const missing = child.fields.find((f) => !resolved.index.has(f))!;
      throw new CsvImportError(
        "missing_column",
        `no column for ${missing}: an applied invoice needs both appliedTo.invoiceId and appliedTo.amount`,
        { field: missing },
      );
    }
  }
  const used = new Set(resolved.index.values());
  resolved.ignored = header.filter((_, i) => !used.has(i));
  return resolved;
}
