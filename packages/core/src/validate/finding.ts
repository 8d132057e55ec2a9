import type { ErrorCategory } from "../error-category.js";
import type { RecordRef } from "../record-ref.js";
import type { QboRule } from "./qbo-rules.js";

export type Severity = "blocks" | "warns";

/** Machine-readable fix actions; the console renders a button per fix, auto-repair applies safe ones. */
export type FixAction =
  | "trim-spaces"
  | "replace-characters"
  | "rename"
  | "edit-field"
  | "link"
  | "merge"
  | "reactivate"
  | "map-item"
  | "create-item"
  | "map-account"
  | "create-account"
  | "map-tax-code"
  | "shorten-docnumber"
  | "renumber"
  | "let-qbo-number"
  | "allow-duplicate-docnumber"
  | "remove-in-qbo"
  | "change-date"
  | "reopen-period"
  | "fix-amount"
  | "fix-unit-price"
  | "use-credit-memo"
  | "use-invoice"
  | "reduce-application"
  | "sync-first"
  | "add-parent"
  | "move-under-other-parent"
  | "send-anyway"
  | "turn-off-other-integration"
  | "turn-on-custom-numbers"
  | "fix-dependency";

export type FixParams = Readonly<Record<string, string | number | boolean>>;

export interface Fix {
  action: FixAction;
  /** What the button says, for office staff. */
  label: string;
  params: FixParams;
  /**
   * True when applying it changes nothing a person needs to decide (trimming spaces, a unique
   * shortened number...). `applyRepairs` applies safe fixes the company's policy allows.
   */
  safe: boolean;
}

/** One problem with one record, found before anything is sent to QBO. */
export interface Finding {
  ref: RecordRef;
  category: ErrorCategory;
  severity: Severity;
  /** Plain language for office staff: what is wrong, in their words. */
  message: string;
  /** The QBO rule this enforces, and where that rule comes from. */
  rule: QboRule;
  /** The field at fault (`displayName`, `lines[2].amount`), when there is one. */
  field?: string;
  fixes: Fix[];
}

export const fix = (action: FixAction, label: string, params: FixParams = {}, safe = false): Fix => ({
  action,
  label,
  params,
  safe,
});

/** The references of records that must not be sent. */
export function blockedRefs(findings: readonly Finding[]): Set<RecordRef> {
  const out = new Set<RecordRef>();
  for (const f of findings) if (f.severity === "blocks") out.add(f.ref);
  return out;
}
