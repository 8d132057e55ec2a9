/**
 * How a verb prints: colour and aligned tables on a terminal, plain tab-free text when piped, JSON
 * with `--json`. Colour follows the NO_COLOR convention (https://no-color.org) and FORCE_COLOR.
 */

type Stream = { isTTY?: boolean };

/** Whether to colour text written to `stream` (stdout unless told). */
export function colourEnabled(
  stream: Stream = process.stdout,
  env: Record<string, string | undefined> = process.env,
): boolean {
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  if (env["FORCE_COLOR"] !== undefined && env["FORCE_COLOR"] !== "0") return true;
  return stream.isTTY === true && env["TERM"] !== "dumb";
}

const codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof codes;

/** Paints text for stdout: unchanged when colour is off. */
export function paint(colour: Colour, text: string, enabled = colourEnabled()): string {
  return enabled ? `\u001b[${codes[colour]}m${text}\u001b[0m` : text;
}

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  /** Colour of a cell on a terminal. */
  colour?: (row: T) => Colour | undefined;
}

/**
 * Rows as a table: a header and aligned columns on a terminal; when piped, the same columns without
 * the header's emphasis, still aligned with spaces so `grep` and `awk` read it.
 */
export function renderTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  colour = colourEnabled(),
): string {
  const cells = rows.map((r) => columns.map((c) => oneLine(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const pad = (s: string, i: number) => (i === columns.length - 1 ? s : s.padEnd(widths[i]!));
  const header = columns
    .map((c, i) => pad(c.header, i))
    .join("  ")
    .trimEnd();
  const lines = [paint("bold", header, colour)];
  rows.forEach((r, ri) => {
    const line = columns.map((c, i) => {
      const text = pad(cells[ri]![i]!, i);
      const col = c.colour?.(r);
      return col === undefined ? text : paint(col, text, colour);
    });
    lines.push(line.join("  ").trimEnd());
  });
  return lines.join("\n");
}

function oneLine(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  return String(v).replace(/[\r\n\t]+/g, " ");
}

/** Prints a verb's `--json` answer: one JSON document on stdout, 2-space indented. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
