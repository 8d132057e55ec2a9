import { nextCalendarDate, type CalendarDate } from "../records/calendar-date.js";
import type { RecordRef } from "../record-ref.js";
import { fix } from "./finding.js";
import { qboRules } from "./qbo-rules.js";
import type { ValidationContext } from "./validation-context.js";

/** Transactions dated on or before the closing date are refused (6210). */
export function checkClosingDate(ctx: ValidationContext): void {
  const closing = ctx.snapshot.closingDate;
  if (closing === undefined) return;
  const check = (ref: RecordRef, what: string, txnDate: CalendarDate): void => {
    if (txnDate > closing) return;
    const firstOpen = nextCalendarDate(closing);
    ctx.add({
      ref,
      category: "closed-period",
      severity: "blocks",
      field: "txnDate",
      message: `This ${what} is dated ${txnDate}, but the books are closed up to and including ${closing}.`,
      rule: qboRules.closedPeriod,
      fixes: [
        fix("change-date", `Date it ${firstOpen} or later`, { field: "txnDate", value: firstOpen }),
        fix(
          "reopen-period",
          "Move the closing date in QuickBooks (Account and Settings > Advanced > Accounting)",
          {
            closingDate: closing,
          },
        ),
      ],
    });
  };
  for (const d of ctx.documents)
    check(d.ref, d.kind === "invoice" ? "invoice" : "credit memo", d.record.txnDate);
  for (const p of ctx.payments) check(ctx.ref("payment", p.id), "payment", p.txnDate);
}
