import { Decimal } from "decimal.js";
import { z } from "zod";

/**
 * A quantity or unit price as an exact decimal string ("1.5", "19.99", "0.3333"). Kept as text so no
 * float ever touches it; arithmetic goes through decimal.js.
 */
export type DecimalString = string;

const decimalText = /^-?\d+(\.\d+)?$/;

/**
 * Accepts a decimal string, or a JSON number whose shortest text form is a plain decimal (so `1.5`
 * from JSON is exactly "1.5"). Exponent forms and non-finite numbers are refused rather than guessed.
 */
export const exactDecimalSchema = z
  .union([z.string(), z.number()], { error: "must be a number written as a decimal, e.g. 2 or 19.99" })
  .transform((v, ctx): DecimalString => {
    const text = typeof v === "number" ? String(v) : v.trim();
    if (!decimalText.test(text)) {
      ctx.addIssue({ code: "custom", message: `must be a plain decimal number, got "${text}"` });
      return z.NEVER;
    }
    // Canonical form: no leading zeros, no trailing fractional zeros ("01.50" → "1.5").
    return new Decimal(text).toFixed();
  });

export function toDecimal(value: DecimalString): Decimal {
  return new Decimal(value);
}
