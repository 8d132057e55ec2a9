import { Decimal } from "decimal.js";
import { parseMoney, type MinorUnits } from "../money.js";
import type { SalesLine } from "../records/sales-document-record.js";

const integerText = /^-?\d{1,9}$/;

/**
 * The line amount QBO expects: Qty × UnitPrice, rounded half away from zero to the cent, exact. The
 * common case (whole quantity, price in cents) stays in integers; the rest goes through decimal.js.
 */
export function lineAmount(line: Pick<SalesLine, "qty" | "unitPrice">): MinorUnits {
  if (integerText.test(line.qty)) {
    const price = parseMoney(line.unitPrice);
    if (price !== undefined) {
      const amount = price * Number(line.qty);
      if (Number.isSafeInteger(amount)) return amount;
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
