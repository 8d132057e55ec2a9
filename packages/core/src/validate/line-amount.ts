import { Decimal } from "decimal.js";
import type { MinorUnits } from "../money.js";
import type { SalesLine } from "../records/sales-document-record.js";

const powersOfTen = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A decimal string as an integer over a power of ten ("19.99" → digits 1999, places 2), parsed by
 * hand because this runs for every quantity and price; false when it is not a plain decimal or too big.
 */
const parsed = { digits: 0, places: 0 };
function scaled(text: string, out: typeof parsed): boolean {
  let i = 0;
  let negative = false;
  if (text.charCodeAt(0) === 45 /* - */) {
    negative = true;
    i = 1;
  }
  let digits = 0;
  let places = -1;
  if (i >= text.length) return false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (places >= 0) return false;
      places = 0;
    } else if (c >= 48 && c <= 57) {
      digits = digits * 10 + (c - 48);
      if (places >= 0) places++;
    } else return false;
  }
  if (!Number.isSafeInteger(digits) || places === 0) return false;
  out.digits = negative ? -digits : digits;
  out.places = places < 0 ? 0 : places;
  return true;
}

/**
 * The line amount QBO expects: Qty × UnitPrice, rounded half away from zero to the cent, exact. The
 * common case fits in safe integers (quantity and price as integers over powers of ten, the product
 * divided with an exact remainder); anything larger goes through decimal.js.
 */
export function lineAmount(line: Pick<SalesLine, "qty" | "unitPrice">): MinorUnits {
  const q = { digits: 0, places: 0 };
  if (scaled(line.qty, q) && scaled(line.unitPrice, parsed)) {
    const product = q.digits * parsed.digits;
    const places = q.places + parsed.places; // decimal places of the product
    if (Number.isSafeInteger(product) && places < powersOfTen.length + 2) {
      if (places <= 2) return product * powersOfTen[2 - places]! + 0; // + 0: no negative zero
      const divisor = powersOfTen[places - 2]!;
      const whole = Math.trunc(product / divisor);
      const rest = Math.abs(product - whole * divisor); // exact: all terms are safe integers
      const roundAway = rest * 2 >= divisor ? 1 : 0;
      return (product < 0 ? whole - roundAway : whole + roundAway) + 0;
    }
  }
  return new Decimal(line.qty)
    .times(line.unitPrice)
    .times(100)
    .toDecimalPlaces(0, Decimal.ROUND_HALF_UP)
    .toNumber();
}

/** The document total QBO will compute from the lines. */
export function documentTotal(lines: readonly Pick<SalesLine, "qty" | "unitPrice">[]): MinorUnits {
  let total = 0;
  for (const line of lines) total += lineAmount(line);
  return total;
}
