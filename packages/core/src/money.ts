/**
 * Money is exact: an integer count of minor units (cents). Never a float in storage or arithmetic;
 * decimal strings at the edges ("12.34").
 */
export type MinorUnits = number;

const decimalPattern = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** Parses "12.34", "12.3", "12" or "-0.5" into minor units; undefined when it is not a 2-place decimal. */
export function parseMoney(text: string): MinorUnits | undefined {
  const m = decimalPattern.exec(text.trim());
  if (!m) return undefined;
  const whole = Number(m[2]);
  const cents = Number((m[3] ?? "").padEnd(2, "0"));
  const value = whole * 100 + cents;
  if (!Number.isSafeInteger(value)) return undefined;
  return m[1] ? -value : value;
}

/** Formats minor units as a decimal string with two places: 1234 → "12.34". */
export function formatMoney(minor: MinorUnits): string {
  if (!Number.isSafeInteger(minor))
    throw new RangeError(`money must be an integer count of minor units, got ${minor}`);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** The JSON number QBO expects for an amount. Exact for every amount with two decimal places. */
export function moneyToQboAmount(minor: MinorUnits): number {
  return Number(formatMoney(minor));
}

/** QBO amounts arrive as JSON numbers; round through the decimal string, never by float arithmetic. */
export function moneyFromQboAmount(amount: number): MinorUnits {
  const parsed = parseMoney(amount.toFixed(2));
  if (parsed === undefined) throw new RangeError(`not a money amount: ${amount}`);
  return parsed;
}
