import { z } from "zod";

/**
 * A guard against absurd input (a 50 MB cell), not a QBO rule: QBO's own length limits are checked by
 * validation, which can name the limit and offer a fix.
 */
export const maxTextLength = 20_000;

/**
 * A UTF-16 half of a character with no other half: JSON allows it ("\ud800"), but it is no character,
 * PostgreSQL refuses it as invalid UTF-8 and QBO would store garbage. Refused here, naming the field.
 */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = (s: string): boolean => !loneSurrogate.test(s);
const notWellFormed = "holds a broken character (an unpaired UTF-16 surrogate)";
/** NUL: JSON allows "\u0000", but PostgreSQL text cannot hold it and no name or memo means it. */
const noNul = (s: string): boolean => !s.includes("\u0000");
const holdsNul = "holds a NUL character (\\u0000), which cannot be stored";

/** Why text cannot be stored as it is (half a character, a NUL), or undefined: for any text field. */
export function unstorableText(s: string): string | undefined {
  if (!wellFormed(s)) return notWellFormed;
  if (!noNul(s)) return holdsNul;
  return undefined;
}

/** Optional fields: empty strings and null (blank CSV cells, JSON null) mean "not given". */
const blankToUndefined = (v: unknown): unknown => (v === "" || v === null ? undefined : v);

export const requiredText = z
  .string({ error: "is required and must be text" })
  .min(1, { error: "is required and must not be empty" })
  .max(maxTextLength, { error: `is longer than ${maxTextLength} characters` })
  .refine(wellFormed, { error: notWellFormed })
  .refine(noNul, { error: holdsNul });

export const optionalText = z.preprocess(
  blankToUndefined,
  z
    .string({ error: "must be text" })
    .max(maxTextLength, { error: `is longer than ${maxTextLength} characters` })
    .refine(wellFormed, { error: notWellFormed })
    .refine(noNul, { error: holdsNul })
    .optional(),
);

/** The app's own id: text or an integer, kept as text. */
export const recordIdSchema = z
  .union([z.string(), z.number().int()], { error: "is required: the app's own id (text or a whole number)" })
  .transform((v) => String(v).trim())
  .refine((s) => s.length > 0 && s.length <= 200, { error: "must be 1 to 200 characters" })
  .refine(wellFormed, { error: notWellFormed })
  .refine(noNul, { error: holdsNul });

export const optionalRecordId = z.preprocess(blankToUndefined, recordIdSchema.optional());

/** Booleans from JSON, and the spellings CSV files use. */
export const flagSchema = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    const t = v.trim().toLowerCase();
    if (["true", "yes", "y", "1"].includes(t)) return true;
    if (["false", "no", "n", "0"].includes(t)) return false;
    return v;
  },
  z.boolean({ error: "must be true or false" }),
);

export function withDefault<T>(schema: z.ZodType<T>, fallback: T): z.ZodType<T> {
  return z.preprocess(
    (v) => (v === undefined || v === "" || v === null ? fallback : v),
    schema,
  ) as z.ZodType<T>;
}
