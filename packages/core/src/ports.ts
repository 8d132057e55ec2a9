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

/**
 * What the sync runner reads and writes for one company (implemented by `@ledgerlink/store`). It is
 * already scoped to the company, so no call can reach another tenant's rows.
 */
export interface SyncStore {
  readonly companyId: string;
  listCustomers(): Promise<Customer[]>;
  listCustomerLinks(): Promise<Map<string, Link>>;
  saveCustomerLink(link: Link): Promise<void>;
  startRun(startedAt: string): Promise<SyncRun>;
  finishRun(run: SyncRun): Promise<void>;
  recordError(error: SyncErrorRecord): Promise<void>;
  /** Clears the open errors of a record once it synced. */
  resolveErrors(localId: string, at: string): Promise<void>;
  audit(entry: {
    ref: RecordRef;
    action: string;
    actor: string;
    detail: Record<string, unknown>;
  }): Promise<void>;
}
