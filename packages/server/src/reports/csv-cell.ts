/**
 * One CSV cell as every CSV the product writes must put it: safe to open in a spreadsheet, quoted
 * per RFC 4180. Reused by the report, the unmatched-customers export and anything else that writes CSV.
 */

/**
 * A cell starting with `=`, `+`, `-` or `@` is read as a formula by Excel, LibreOffice and Google
 * Sheets (some skip a leading tab or CR first), so a customer named `=HYPERLINK(…)` could run in the
 * bookkeeper's spreadsheet. A leading `'` makes the spreadsheet show the text as text (OWASP's advice).
 */
const formulaStart = /^[=+\-@\t\r]/;

export function neutraliseCsvCell(value: string): string {
  return formulaStart.test(value) ? `'${value}` : value;
}

/** A value as a cell: neutralised, then quoted when it holds a comma, a quote, CR or LF. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  const text = neutraliseCsvCell(value === null || value === undefined ? "" : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV text, CRLF line ends (RFC 4180; what spreadsheets and QBO's import expect). */
export function csvText(
  rows: readonly (readonly (string | number | boolean | null | undefined)[])[],
): string {
  return rows.map((row) => row.map(csvCell).join(",") + "\r\n").join("");
}
