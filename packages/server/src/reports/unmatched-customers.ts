import type { Customer } from "@ledgerlink/core";
import type { ReportError, Store } from "@ledgerlink/store";
import { loadCompanyState, type CompanyState } from "./company-state.js";
import { qboCustomerImportCsv, qboImportRow } from "./qbo-customer-import.js";
import type { UnmatchedCustomer } from "./report-schema.js";

export interface UnmatchedEntry {
  customer: Customer;
  summary: UnmatchedCustomer;
  /** The row of QBO's customer import, when the export carries it. */
  importRow?: string[];
}

const pct = (score: number): string => `${Math.round(score * 100)}%`;

/**
 * The app's active customers with no link to a QuickBooks customer, each with why, and whether the
 * unmatched-customers export carries it. The export leaves out what importing by hand would make worse:
 * jobs (QBO's import cannot make sub-customers), customers that may already be in QuickBooks (review),
 * and names QuickBooks already uses — each with the reason, so nothing is left out silently.
 */
export function unmatchedCustomers(
  state: CompanyState,
  openErrors: readonly ReportError[],
): UnmatchedEntry[] {
  const errorsByRef = new Map<string, ReportError[]>();
  for (const e of openErrors) {
    const list = errorsByRef.get(e.ref);
    if (list) list.push(e);
    else errorsByRef.set(e.ref, [e]);
  }
  const out: UnmatchedEntry[] = [];
  for (const c of state.customers) {
    const ref = `C:${c.id}`;
    if (!c.active || state.customerLinks.has(ref)) continue;
    const parentRef = c.parentId === undefined ? undefined : `C:${c.parentId}`;
    const hold = state.holds.get(ref);
    const review = state.reviewByCustomer.get(c.id);
    const errors = errorsByRef.get(ref) ?? [];
    const nameTaken = errors.find((e) => e.category === "duplicate");

    let why: string;
    if (hold?.state === "held")
      why = `held in the queue${hold.by ? ` by ${hold.by}` : ""}${hold.reason ? `: ${hold.reason}` : ""}`;
    else if (hold?.state === "removed") why = "taken out of the queue until it changes in the app";
    else if (review) {
      const qboName = state.qboCustomers.get(review.qboId)?.DisplayName;
      why = `waiting for review: it may be QuickBooks customer ${review.qboId}${qboName ? ` "${qboName}"` : ""} (${pct(review.score)})`;
    } else if (errors.length > 0) {
      const e = nameTaken ?? errors[0]!;
      why = `blocked: ${e.message}${e.code ? ` (QuickBooks error ${e.code})` : ""}`;
    } else if (parentRef !== undefined && !state.customerLinks.has(parentRef))
      why = `waits for its parent ${parentRef}, which is not in QuickBooks yet`;
    else why = "not in QuickBooks yet: the next sync creates or links it";

    let exclusion: string | undefined;
    let importRow: string[] | undefined;
    if (parentRef !== undefined)
      exclusion = `a job under ${parentRef}: QuickBooks' customer import cannot make sub-customers; it syncs under its parent once the parent is in QuickBooks`;
    else if (review)
      exclusion = `it may already be QuickBooks customer ${review.qboId}: decide in review first, or the import would make a duplicate`;
    else if (nameTaken) exclusion = "QuickBooks already uses its name: rename or link it first";
    else {
      const row = qboImportRow(c);
      if (row.ok) importRow = row.cells;
      else exclusion = `${row.column} (${row.field}) ${row.problem}`;
    }

    const summary: UnmatchedCustomer = {
      ref,
      name: c.displayName,
      why,
      export: exclusion === undefined ? { included: true } : { included: false, reason: exclusion },
    };
    if (c.companyName !== undefined) summary.companyName = c.companyName;
    if (c.email !== undefined) summary.email = c.email;
    const phone = c.phone ?? c.mobile;
    if (phone !== undefined) summary.phone = phone;
    if (parentRef !== undefined) summary.parentRef = parentRef;
    out.push(importRow === undefined ? { customer: c, summary } : { customer: c, summary, importRow });
  }
  return out;
}

/** The unmatched customers QBO's import can take, as its CSV (header row first). */
export function unmatchedCustomersCsv(entries: readonly UnmatchedEntry[]): string {
  return qboCustomerImportCsv(entries.flatMap((e) => (e.importRow ? [e.importRow] : [])));
}

/** The unmatched customers as of `at`, read from the store. */
export async function loadUnmatchedCustomers(
  store: Store,
  companyId: string,
  at: string,
): Promise<UnmatchedEntry[]> {
  const [state, errors] = await Promise.all([
    loadCompanyState(store, companyId),
    store.company(companyId).reports.errorsOpenAt(at),
  ]);
  return unmatchedCustomers(state, errors);
}
