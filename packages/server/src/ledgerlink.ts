import {
  runCustomerSync,
  systemClock,
  type Clock,
  type Customer,
  type CustomerSyncResult,
  type QboCustomerApi,
} from "@ledgerlink/core";
import { createQboClient } from "@ledgerlink/qbo";
import { openStore, type Store } from "@ledgerlink/store";
import { ingestCustomers, type IngestResult } from "./ingest-records.js";

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
  };
  sync: {
    /** Plans and executes a sync of the company's records to QBO. */
    run(options?: { dryRun?: boolean }): Promise<CustomerSyncResult>;
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
  const qbo: QboCustomerApi = createQboClient({
    baseUrl: config.qbo.baseUrl,
    realmId: config.qbo.realmId,
    getAccessToken: config.qbo.getAccessToken,
    ...(config.qbo.fetch === undefined ? {} : { fetch: config.qbo.fetch }),
  });
  return {
    records: {
      upsertCustomers: (customers) => ingestCustomers(company, customers, clock.now().toISOString()),
    },
    sync: {
      run: (options = {}) =>
        runCustomerSync({ store: company, qbo, clock, ...(options.dryRun ? { dryRun: true } : {}) }),
    },
    store,
    close: () => store.close(),
  };
}
