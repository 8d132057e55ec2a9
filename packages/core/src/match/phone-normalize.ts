import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/min";

/**
 * Normalises a phone number to E.164 ("+14155550123"), or undefined when it cannot be one.
 * Extensions are dropped: they name a desk, not a customer.
 *
 * Ten-digit North American numbers (and eleven with the leading 1) written without a "+" take a fast
 * path that applies the same NANP rules libphonenumber-js applies for "possible" numbers (area code and
 * exchange start 2-9); parsing 100k numbers through the library costs seconds. Everything else goes
 * through the library.
 */
export function normalizePhone(
  raw: string | undefined,
  defaultCountry: CountryCode = "US",
): string | undefined {
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  if (trimmed === "") return undefined;
  const main = trimmed.split(/\s*(?:x|ext\.?|extension|#)\s*\d+\s*$/i)[0] ?? trimmed;
  if ((defaultCountry === "US" || defaultCountry === "CA") && !main.includes("+") && !/[a-z]/i.test(main)) {
    let digits = main.replace(/\D/g, "");
    if (
      digits.length === 11 &&
      digits.charCodeAt(0) === 49 &&
      (defaultCountry === "US" || defaultCountry === "CA")
    )
      digits = digits.slice(1);
    if (digits.length === 10) {
      const area = digits.charCodeAt(0);
      const exchange = digits.charCodeAt(3);
      if (area >= 50 && exchange >= 50) return `+1${digits}`;
      return undefined;
    }
  }
  const parsed = parsePhoneNumberFromString(main, defaultCountry);
  if (parsed === undefined || !parsed.isPossible()) return undefined;
  return parsed.number;
}

/**
 * The key phones are compared on: E.164 when the number is one; otherwise its digits, so that demo data,
 * test data and mistyped numbers ("555-010-2000": no exchange starts with 0) are still the same number on
 * both sides when their digits are the same. Ten North American digits are keyed as "+1" and the digits
 * (the library takes "+1 555 010 2000" as written), other runs of 7 to 15 digits as "digits:" and them.
 */
export function phoneMatchKey(
  raw: string | undefined,
  defaultCountry: CountryCode = "US",
): string | undefined {
  const e164 = normalizePhone(raw, defaultCountry);
  if (e164 !== undefined || raw === undefined) return e164;
  const main = raw.trim().split(/\s*(?:x|ext\.?|extension|#)\s*\d+\s*$/i)[0] ?? "";
  if (/[a-z]/i.test(main)) return undefined;
  let digits = main.replace(/\D/g, "");
  if (defaultCountry === "US" || defaultCountry === "CA") {
    if (digits.length === 11 && digits.charCodeAt(0) === 49) digits = digits.slice(1);
    if (digits.length === 10) return `+1${digits}`;
  }
  return digits.length >= 7 && digits.length <= 15 ? `digits:${digits}` : undefined;
}
