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
    if (digits.length === 11 && digits.charCodeAt(0) === 49) digits = digits.slice(1);
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
