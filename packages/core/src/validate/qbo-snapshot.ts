import type { MinorUnits } from "../money.js";
import type { CalendarDate } from "../records/calendar-date.js";

/** A QBO name-list entry (customer, vendor or employee) as far as name uniqueness cares. */
export interface QboNameSnapshot {
  id: string;
  displayName: string;
  active: boolean;
}

export interface QboCustomerSnapshot extends QboNameSnapshot {
  /** QBO Id of the parent when this is a sub-customer (job). */
  parentId?: string;
  /** QBO's `Level`: 0 at the top, at most 4 below it. */
  level?: number;
}

export interface QboItemSnapshot {
  id: string;
  name: string;
  sku?: string;
  type: string;
  active: boolean;
  incomeAccountId?: string;
}

export interface QboAccountSnapshot {
  id: string;
  name: string;
  /** `Parent:Sub` for sub-accounts. */
  fullyQualifiedName: string;
  /** QBO's AccountType: "Income", "Accounts Receivable", "Accounts Payable", ... */
  accountType: string;
  active: boolean;
}

export interface QboTaxCodeSnapshot {
  id: string;
  name: string;
  active: boolean;
}

/** An invoice or credit memo already in QBO, as far as DocNumber and payment checks care. */
export interface QboDocumentSnapshot {
  type: "Invoice" | "CreditMemo";
  id: string;
  docNumber?: string;
  customerId: string;
  total: MinorUnits;
  txnDate: CalendarDate;
  /** Open balance (invoices); the total when absent. */
  balance?: MinorUnits;
}

export interface QboPaymentSnapshot {
  id: string;
  customerId: string;
  total: MinorUnits;
  txnDate: CalendarDate;
  /** PaymentRefNum. */
  reference?: string;
}

/**
 * What pre-flight validation needs to know about the QBO company. Pulled by the engine (queries with
 * `Active IN (true, false)`, so inactive records are here too); validation itself reads nothing.
 */
export interface QboSnapshot {
  /** All customers, active and inactive (inactive ones may carry QBO's " (deleted)" suffix). */
  customers: readonly QboCustomerSnapshot[];
  vendors: readonly QboNameSnapshot[];
  employees: readonly QboNameSnapshot[];
  items: readonly QboItemSnapshot[];
  accounts: readonly QboAccountSnapshot[];
  taxCodes: readonly QboTaxCodeSnapshot[];
  preferences: {
    /** Preferences.SalesFormsPrefs.CustomTxnNumbers: false → QBO numbers sales forms itself. */
    customTxnNumbers: boolean;
  };
  /** The books are closed on and before this date (Preferences.AccountingInfoPrefs / closing date). */
  closingDate?: CalendarDate;
  /** Existing invoices and credit memos (at least those with a DocNumber). */
  documents: readonly QboDocumentSnapshot[];
  payments: readonly QboPaymentSnapshot[];
}

/** A company with nothing in it yet: custom numbers on, books open. */
export const emptyQboSnapshot: QboSnapshot = {
  customers: [],
  vendors: [],
  employees: [],
  items: [],
  accounts: [],
  taxCodes: [],
  preferences: { customTxnNumbers: true },
  documents: [],
  payments: [],
};
