import { z } from "zod";
import type { MinorUnits } from "../money.js";
import { calendarDateSchema, type CalendarDate } from "./calendar-date.js";
import { compact } from "./compact.js";
import { moneySchema } from "./money-field.js";
import { optionalText, recordIdSchema } from "./text-field.js";

/** The part of a payment applied to one of the app's invoices. */
export interface PaymentApplication {
  invoiceId: string;
  amount: MinorUnits;
}

/** A customer payment as the business app sends it. */
export interface PaymentRecord {
  id: string;
  customerId: string;
  amount: MinorUnits;
  txnDate: CalendarDate;
  /** Check number or processor reference (QBO's PaymentRefNum). */
  reference?: string;
  appliedTo: PaymentApplication[];
  memo?: string;
}

const applicationSchema = z.strictObject({ invoiceId: recordIdSchema, amount: moneySchema });

export const paymentRecordSchema = z
  .strictObject({
    id: recordIdSchema,
    customerId: recordIdSchema,
    amount: moneySchema,
    txnDate: calendarDateSchema,
    reference: optionalText,
    appliedTo: z.preprocess(
      (v) => (v === undefined || v === null ? [] : v),
      z.array(applicationSchema, { error: "must be a list of {invoiceId, amount}" }).max(1000),
    ),
    memo: optionalText,
  })
  .transform((p): PaymentRecord => compact(p));
