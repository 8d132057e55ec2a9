import { z } from "zod";
import type { MinorUnits } from "../money.js";
import { calendarDateSchema, type CalendarDate } from "./calendar-date.js";
import { compact } from "./compact.js";
import { exactDecimalSchema, type DecimalString } from "./exact-decimal.js";
import { moneySchema } from "./money-field.js";
import { optionalRecordId, optionalText, recordIdSchema } from "./text-field.js";

/** One line of an invoice or credit memo (QBO's SalesItemLineDetail). */
export interface SalesLine {
  /** The app's id of the item. */
  itemId?: string;
  description?: string;
  qty: DecimalString;
  unitPrice: DecimalString;
  /** The line total as the app computed it; checked against qty × unit price. */
  amount?: MinorUnits;
  /** A QBO tax code, by name or Id (`TAX`, `NON`). */
  taxCode?: string;
}

/** An invoice as the business app sends it; `customerId` is the app's id of the customer. */
export interface InvoiceRecord {
  id: string;
  docNumber?: string;
  customerId: string;
  txnDate: CalendarDate;
  dueDate?: CalendarDate;
  lines: SalesLine[];
  memo?: string;
  /** The total as the app shows it; QBO computes its own from the lines. */
  total?: MinorUnits;
}

/** A credit memo: the same shape as an invoice, without a due date. */
export type CreditMemoRecord = Omit<InvoiceRecord, "dueDate">;

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

export const salesLineSchema = z
  .strictObject({
    itemId: optionalRecordId,
    description: optionalText,
    qty: z.preprocess((v) => (v === undefined || v === "" ? "1" : v), exactDecimalSchema),
    unitPrice: exactDecimalSchema,
    amount: optional(moneySchema),
    taxCode: optionalText,
  })
  .transform((l): SalesLine => compact(l));

const documentFields = {
  id: recordIdSchema,
  docNumber: optionalText,
  customerId: recordIdSchema,
  txnDate: calendarDateSchema,
  lines: z
    .array(salesLineSchema, { error: "must be a list of lines" })
    .min(1, { error: "must have at least one line" })
    .max(1000, { error: "must have at most 1000 lines" }),
  memo: optionalText,
  total: optional(moneySchema),
};

export const invoiceRecordSchema = z
  .strictObject({ ...documentFields, dueDate: optional(calendarDateSchema) })
  .transform((d): InvoiceRecord => compact(d));

export const creditMemoRecordSchema = z
  .strictObject(documentFields)
  .transform((d): CreditMemoRecord => compact(d));
