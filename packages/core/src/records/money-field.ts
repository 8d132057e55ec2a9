import { z } from "zod";
import { parseMoney, type MinorUnits } from "../money.js";

/**
 * A money amount in, exact minor units out. Accepts "12.34" or a JSON number whose text form has at
 * most two decimals (12.34 parses to the float nearest 12.34, whose shortest text is "12.34" again).
 * Anything with more precision is refused, never rounded silently.
 */
export const moneySchema = z
  .union([z.string(), z.number()], { error: "must be an amount such as 12.34" })
  .transform((v, ctx): MinorUnits => {
    const text = typeof v === "number" ? String(v) : v.trim();
    const minor = parseMoney(text);
    if (minor === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `must be an amount with at most 2 decimal places, such as 12.34; got "${text}"`,
      });
      return z.NEVER;
    }
    return minor;
  });
