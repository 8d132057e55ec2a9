import type { Customer } from "./customer.js";
import type { ErrorCategory } from "./error-category.js";
import type { Link } from "./plan.js";
import type { QboCustomer } from "./qbo-entities.js";
import type { RecordRef } from "./record-ref.js";

/** Time, injected so runs, tokens and schedules are testable. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The part of the QBO API the customer sync needs (implemented by `@ledgerlink/qbo`). */
export interface QboCustomerApi {
  createCustomer(payload: QboCustomer, options: { requestId: string }): Promise<QboCustomer>;
  updateCustomer(payload: QboCustomer, options: { requestId: string }): Promise<QboCustomer>;
}

/**
 * A failure as the sync engine sees it, whatever raised it. The connector's error classes carry
 * these fields; anything else is "other".
 */
export interface ClassifiedFailure {
  category: ErrorCategory;
  message: string;
  code?: string;
  detail?: string;
  element?: string;
}

export interface SyncRun {
  id: string;
  companyId: string;
  startedAt: string;
  finishedAt?: string;
  status: "running" | "succeeded" | "failed" | "partial";
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

export interface SyncErrorRecord {
  runId: string;
  ref: RecordRef;
  localId: string;
  failure: ClassifiedFailure;
}

/** What the sync runner reads and writes (implemented by `@ledgerlink/store`). */
export interface SyncStore {
  listCustomers(companyId: string): Promise<Customer[]>;
  listCustomerLinks(companyId: string): Promise<Map<string, Link>>;
  saveCustomerLink(companyId: string, link: Link): Promise<void>;
  startRun(companyId: string, startedAt: string): Promise<SyncRun>;
  finishRun(run: SyncRun): Promise<void>;
  recordError(companyId: string, error: SyncErrorRecord): Promise<void>;
  /** Clears the open errors of a record once it synced. */
  resolveErrors(companyId: string, localId: string): Promise<void>;
  audit(
    companyId: string,
    entry: { ref: RecordRef; action: string; actor: string; detail: Record<string, unknown> },
  ): Promise<void>;
}
