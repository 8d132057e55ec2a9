import type { Customer } from "@ledgerlink/core";
import { csvText } from "./csv-cell.js";

/**
 * The columns of QuickBooks Online's customer import (Settings → Import data → Customers), in the order
 * of Intuit's sample file, so the import's field mapping lines up without a person re-mapping each one.
 * Fax, Website, Opening Balance and Resale Number are left out: the app's customers do not hold them.
 */
export const qboCustomerImportColumns = [
  "Name",
  "Company",
  "Email",
  "Phone",
  "Mobile",
  "Street",
  "City",
  "State",
  "ZIP",
  "Country",
] as const;

export type QboImportColumn = (typeof qboCustomerImportColumns)[number];

export type QboImportRow =
  | { ok: true; cells: string[] }
  /** A value QBO's import refuses, named by its column and the app's field. */
  | { ok: false; column: QboImportColumn; field: string; problem: string };

/** Intuit's limits for imported contacts ("Which contact fields are imported?"). */
const maxLength: Record<QboImportColumn, number> = {
  Name: 100,
  Company: 50,
  Email: 100,
  Phone: 21,
  Mobile: 21,
  Street: 2000,
  City: 255,
  State: 255,
  ZIP: 30,
  Country: 255,
};

const appField: Record<QboImportColumn, string> = {
  Name: "displayName",
  Company: "companyName",
  Email: "email",
  Phone: "phone",
  Mobile: "mobile",
  Street: "billingAddress.line1",
  City: "billingAddress.city",
  State: "billingAddress.region",
  ZIP: "billingAddress.postalCode",
  Country: "billingAddress.country",
};

/**
 * A customer as a row of QBO's customer import, or the first value the import would refuse. Nothing is
 * cut short or dropped to make a row fit: a refused customer is reported, never imported half-right.
 */
export function qboImportRow(c: Customer): QboImportRow {
  const address = c.billingAddress ?? c.shippingAddress;
  const street = [address?.line1, address?.line2]
    .filter((l) => l !== undefined && l.trim() !== "")
    .join(", ");
  const values: Record<QboImportColumn, string> = {
    Name: c.displayName.trim(),
    Company: c.companyName?.trim() ?? "",
    Email: c.email?.trim() ?? "",
    Phone: c.phone?.trim() ?? "",
    Mobile: c.mobile?.trim() ?? "",
    Street: street.trim(),
    City: address?.city?.trim() ?? "",
    State: address?.region?.trim() ?? "",
    ZIP: address?.postalCode?.trim() ?? "",
    Country: address?.country?.trim() ?? "",
  };
  const refuse = (column: QboImportColumn, problem: string): QboImportRow => ({
    ok: false,
    column,
    field:
      c.billingAddress === undefined && address !== undefined
        ? appField[column].replace("billingAddress", "shippingAddress")
        : appField[column],
    problem,
  });
  if (values.Name === "") return refuse("Name", "is empty");
  if (/[\t\r\n:"]/.test(values.Name))
    return refuse("Name", "holds a tab, line break, colon or double quote, which the import refuses");
  for (const column of qboCustomerImportColumns) {
    const v = values[column];
    if (v.length > maxLength[column])
      return refuse(column, `is ${v.length} characters; the import takes at most ${maxLength[column]}`);
  }
  if (values.Email !== "" && (/\s/.test(values.Email) || !/^[^@]+@[^@]+\.[^@]+$/.test(values.Email)))
    return refuse("Email", "is not one address with an @ and a dot and no spaces, as the import requires");
  return { ok: true, cells: qboCustomerImportColumns.map((col) => values[col]) };
}

/** The import file: the header row, then one row per customer (cells neutralised against formulas). */
export function qboCustomerImportCsv(rows: readonly (readonly string[])[]): string {
  return csvText([qboCustomerImportColumns, ...rows]);
}
