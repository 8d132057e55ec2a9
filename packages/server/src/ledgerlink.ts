import {
  systemClock,
  type Clock,
  type Customer,
  type GlobalSyncKind,
  type GlobalSyncPlan,
  type GlobalSyncScope,
  type IncomingKind,
  type OutboundEvent,
  type OutboundEventType,
  type RecordRef,
  type SyncEvent,
  type SyncResult,
} from "@ledgerlink/core";
import { createQboClient } from "@ledgerlink/qbo";
import { openStore, type Store } from "@ledgerlink/store";
import { runCompanySync } from "./company-sync.js";
import { ingestRecords, type IngestResult } from "./ingest-records.js";
import {
  planCompanyGlobalSync,
  runCompanyGlobalSync,
  type GlobalSyncOutcome,
} from "./global-sync/run-global-sync.js";

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
  /**
   * Subscribes to an outbound event (the same events, typed from the same map, as the webhooks):
   * `ledgerlink.on("invoice.paid", (e) => e.data.ref)`. Listeners hear what the library's own calls
   * wrote to the outbox (after `sync.run` and `globalSync.run`), in order. Returns an unsubscribe.
   */
  on<K extends OutboundEventType>(type: K, listener: (event: OutboundEvent<K>) => void): () => void;
  globalSync: {
    /** Dry run: the QBO-only customers and items a global sync would bring into the app. */
    plan(options?: { scope?: GlobalSyncScope; kinds?: readonly GlobalSyncKind[] }): Promise<GlobalSyncPlan>;
    /** Brings them in (origin "qbo", linked); a second run changes nothing. */
    run(options?: { scope?: GlobalSyncScope; kinds?: readonly GlobalSyncKind[] }): Promise<GlobalSyncOutcome>;
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
  // Listeners hear events from the outbox written after this point, dispatched after each library call.
  const listeners = new Map<OutboundEventType, Set<(event: OutboundEvent) => void>>();
  let seen = (await company.outbound.listEvents({ limit: 1, latest: true }))[0]?.id;
  const dispatch = async (): Promise<void> => {
    for (;;) {
      const batch = await company.outbound.listEvents({
        ...(seen === undefined ? {} : { afterId: seen }),
        limit: 500,
      });
      for (const event of batch) {
        seen = event.id;
        for (const l of listeners.get(event.type) ?? []) l(event);
      }
      if (batch.length < 500) return;
    }
  };
  const after = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } finally {
      await dispatch();
    }
  };
  const pullOnly = () =>
    runCompanySync({ store, companyId: config.company, client, clock, trigger: "api", dryRun: true });
  const globalSyncOptions = (o: { scope?: GlobalSyncScope; kinds?: readonly GlobalSyncKind[] } = {}) => ({
    store,
    companyId: config.company,
    scope: o.scope ?? "active",
    kinds: o.kinds ?? (["customer", "item"] as const),
    at: clock.now().toISOString(),
    clock,
    pull: pullOnly,
  });
  return {
    on(type, listener) {
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set);
      const l = listener as (event: OutboundEvent) => void;
      set.add(l);
      return () => set.delete(l);
    },
    globalSync: {
      plan: (o) => planCompanyGlobalSync(globalSyncOptions(o)),
      run: (o) => after(runCompanyGlobalSync(globalSyncOptions(o))),
    },
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
        after(
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
        ),
    },
    store,
    close: () => store.close(),
  };
}
