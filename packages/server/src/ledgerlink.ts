import {
  systemClock,
  type Clock,
  type Customer,
  type IncomingKind,
  type RecordRef,
  type SyncEvent,
  type SyncResult,
} from "@ledgerlink/core";
import { createQboClient } from "@ledgerlink/qbo";
import { openStore, type Store } from "@ledgerlink/store";
import { runCompanySync } from "./company-sync.js";
import { ingestRecords, type IngestResult } from "./ingest-records.js";

export interface LedgerlinkConfig {
  /** `sqlite:./data/ledgerlink.db` (default) or `postgres://…`. */
  database?: string;
  /** The business (tenant) these records belong to. */
  company: string;
  companyName?: string;
  qbo: {
    /** API host: the emulator's URL, or https://quickbooks.api.intuit.com. */
    baseUrl: string;
    realmId: string;
    /** Returns a valid access token (the connection lifecycle refreshes it). */
    getAccessToken: () => Promise<string>;
    fetch?: typeof fetch;
  };
  clock?: Clock;
}

export interface Ledgerlink {
  records: {
    /**
     * Idempotent upsert by the app's own id. Valid records are stored; each invalid one is reported by
     * record and field, and none of it is stored.
     */
    upsertCustomers(customers: readonly Customer[]): Promise<IngestResult>;
    upsertItems(items: readonly unknown[]): Promise<IngestResult>;
    upsertInvoices(invoices: readonly unknown[]): Promise<IngestResult>;
    upsertCreditMemos(creditMemos: readonly unknown[]): Promise<IngestResult>;
    upsertPayments(payments: readonly unknown[]): Promise<IngestResult>;
    /**
     * Marks records deleted in the app; the next sync inactivates customers and items in QBO and
     * deletes invoices, credit memos and payments there.
     */
    delete(kind: IncomingKind, ids: readonly string[]): Promise<{ id: string; deleted: boolean }[]>;
  };
  sync: {
    /**
     * Pulls QBO's changes, plans, and executes a sync of the company's records to QBO (`dryRun`: the
     * plan only; `only`: these records and what they need).
     */
    run(options?: {
      dryRun?: boolean;
      only?: readonly RecordRef[];
      onEvent?: (event: SyncEvent) => void;
    }): Promise<SyncResult>;
  };
  readonly store: Store;
  close(): Promise<void>;
}

/** The library entry point an integrator embeds: records in, sync out. */
export async function createLedgerlink(config: LedgerlinkConfig): Promise<Ledgerlink> {
  const store = await openStore({ url: config.database ?? "sqlite:./data/ledgerlink.db" });
  await store.ensureCompany(config.company, config.companyName ?? config.company);
  const clock = config.clock ?? systemClock;
  const company = store.company(config.company);
  const client = createQboClient({
    baseUrl: config.qbo.baseUrl,
    realmId: config.qbo.realmId,
    getAccessToken: config.qbo.getAccessToken,
    ...(config.qbo.fetch === undefined ? {} : { fetch: config.qbo.fetch }),
  });
  return {
    records: {
      upsertCustomers: (rows) => ingestRecords(company, "customer", rows, clock.now().toISOString()),
      upsertItems: (rows) => ingestRecords(company, "item", rows, clock.now().toISOString()),
      upsertInvoices: (rows) => ingestRecords(company, "invoice", rows, clock.now().toISOString()),
      upsertCreditMemos: (rows) => ingestRecords(company, "creditMemo", rows, clock.now().toISOString()),
      upsertPayments: (rows) => ingestRecords(company, "payment", rows, clock.now().toISOString()),
      delete: (kind, ids) => company.deleteRecords(kind, ids, clock.now().toISOString()),
    },
    sync: {
      run: (options = {}) =>
        runCompanySync({
          store,
          companyId: config.company,
          client,
          clock,
          trigger: "api",
          ...(options.dryRun ? { dryRun: true } : {}),
          ...(options.only ? { only: options.only } : {}),
          ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        }),
    },
    store,
    close: () => store.close(),
  };
}
