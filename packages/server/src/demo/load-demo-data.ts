import type { IncomingKind } from "@ledgerlink/core";
import type { CompanyStore } from "@ledgerlink/store";
import { ingestRecords, maxIngestBatch } from "../ingest-records.js";
import { demoCompanyData, demoSeed } from "./demo-company-data.js";

export class DemoDataError extends Error {
  override readonly name = "DemoDataError";
}

export interface DemoLoadResult {
  customers: number;
  items: number;
  invoices: number;
  payments: number;
}

/**
 * Puts the demo company's app-side records into a company through the one ingest path every record
 * takes (the JSON API's and the CSV import's), in dependency order. Idempotent: loading again
 * changes nothing. A record the checks refuse is a bug in the generator, so it fails loudly.
 */
export async function loadDemoData(
  company: CompanyStore,
  options: { seed?: number; at?: string } = {},
): Promise<DemoLoadResult> {
  const data = demoCompanyData(options.seed ?? demoSeed);
  const at = options.at ?? new Date().toISOString();
  const load = async (kind: IncomingKind, rows: readonly unknown[]): Promise<number> => {
    for (let i = 0; i < rows.length; i += maxIngestBatch) {
      const r = await ingestRecords(company, kind, rows.slice(i, i + maxIngestBatch), at);
      const first = r.rejected[0];
      if (first)
        throw new DemoDataError(
          `demo data: ${r.rejected.length} ${kind} record(s) refused, first ${JSON.stringify(first)}`,
        );
    }
    return rows.length;
  };
  return {
    items: await load("item", data.items),
    customers: await load("customer", data.customers),
    invoices: await load("invoice", data.invoices),
    payments: await load("payment", data.payments),
  };
}
