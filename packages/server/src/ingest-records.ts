import { parseRecords, type IncomingKind, type RejectedRecord } from "@ledgerlink/core";
import type { CompanyStore, UpsertResult } from "@ledgerlink/store";

export interface IngestResult {
  /** One per accepted record, with its position in the input. */
  accepted: (UpsertResult & { index: number })[];
  rejected: RejectedRecord[];
}

/** Largest batch one call may carry; bigger imports are split by the caller. */
export const maxIngestBatch = 5000;

/** The URL collection names of the record kinds (`/companies/acme/credit-memos`). */
export const collections: Record<string, IncomingKind> = {
  customers: "customer",
  items: "item",
  invoices: "invoice",
  "credit-memos": "creditMemo",
  payments: "payment",
};

/**
 * The one path every record takes into the store (library, HTTP, CSV): validate each row, store the
 * good ones in one transaction, report the bad ones by record and field. Nothing is half-written.
 */
export async function ingestRecords(
  company: CompanyStore,
  kind: IncomingKind,
  rows: readonly unknown[],
  at: string,
): Promise<IngestResult> {
  const parsed = parseRecords(kind, rows);
  const results = await company.upsertRecords(kind, parsed.ok, at);
  return {
    accepted: results.map((r, i) => ({ ...r, index: parsed.okIndexes[i]! })),
    rejected: parsed.rejected,
  };
}

export const ingestCustomers = (company: CompanyStore, rows: readonly unknown[], at: string) =>
  ingestRecords(company, "customer", rows, at);
