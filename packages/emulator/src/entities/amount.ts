import { Decimal } from "decimal.js";
import { faults } from "../fault.js";

/**
 * Amounts arrive as JSON numbers and leave as JSON numbers; everything in between is Decimal, so
 * 0.1 + 0.2 is 0.3 and totals are exact to the cent.
 */
export function toDecimal(value: unknown, element: string): Decimal {
  if (typeof value === "number" && Number.isFinite(value)) return new Decimal(String(value));
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value)))
    return new Decimal(value);
  throw faults.malformedRequest(`Property ${element} must be a number, got ${JSON.stringify(value)}`);
}

export function optionalDecimal(value: unknown, element: string): Decimal | undefined {
  return value === undefined || value === null ? undefined : toDecimal(value, element);
}

/** Rounds to cents (half up, as QBO) and returns the JSON number. */
export function toAmount(d: Decimal): number {
  return d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber();
}

export const ZERO = new Decimal(0);
