import { z } from "zod";

/**
 * A calendar date as `YYYY-MM-DD` (QBO's TxnDate format). Dates are never `Date` objects here: a
 * transaction date has no time zone, and comparing the strings compares the dates.
 */
export type CalendarDate = `${number}-${number}-${number}`;

const pattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `text` is a real date in `YYYY-MM-DD` form (2024-02-30 is not). */
export function isCalendarDate(text: string): text is CalendarDate {
  const m = pattern.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** The day after `date` (used to name the first date a closed period allows). */
export function nextCalendarDate(date: CalendarDate): CalendarDate {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return next.toISOString().slice(0, 10) as CalendarDate;
}

export const calendarDateSchema = z
  .string({ error: "must be a date written as YYYY-MM-DD" })
  .trim()
  .refine(isCalendarDate, { error: "must be a real date written as YYYY-MM-DD, e.g. 2024-03-31" })
  .transform((s) => s as CalendarDate);
