import { csvText } from "./csv-cell.js";
import type { ReportCounts, SyncReport } from "./report-schema.js";

export const reportCsvColumns = [
  "Section",
  "Group",
  "Record",
  "Name",
  "Category",
  "QuickBooks code",
  "Value",
  "Message",
  "Detail",
  "When",
] as const;

type Row = (string | number | null | undefined)[];

const json = (v: unknown): string => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));

/**
 * The whole report as one sheet, a section per block (counts, problems, review, unmatched customers,
 * duplicates, auto-repairs) so it filters and sorts in a spreadsheet. Every row is here, unlike the page.
 * Starts with a UTF-8 byte order mark: without it Excel reads the file as the PC's code page and
 * mangles accented names. (The QBO import file has none: it is read by QuickBooks, not a spreadsheet.)
 */
export function renderReportCsv(r: SyncReport): string {
  const rows: Row[] = [];
  for (const k of Object.keys(r.counts) as (keyof ReportCounts)[])
    rows.push(["count", "", "", k, "", "", r.counts[k], "", "", ""]);
  for (const run of r.runs)
    rows.push([
      "run",
      run.id,
      "",
      run.trigger,
      "",
      "",
      run.status,
      run.note ?? "",
      JSON.stringify(run.counts),
      run.startedAt,
    ]);
  for (const g of r.errors.byCategory)
    rows.push(["errors by category", "", "", g.title, g.category, "", g.count]);
  for (const i of r.errors.items)
    rows.push([
      "error",
      i.source,
      i.ref,
      i.name ?? "",
      i.category,
      i.code ?? "",
      i.field ?? "",
      i.message,
      i.detail ?? "",
      i.since,
    ]);
  for (const i of r.review.items)
    rows.push([
      "review",
      i.qboId,
      i.ref,
      i.name ?? "",
      "",
      "",
      i.score,
      i.qboName ?? "",
      i.reasons.join("; "),
      "",
    ]);
  for (const u of r.unmatched.customers)
    rows.push([
      "unmatched",
      u.parentRef ?? "",
      u.ref,
      u.name,
      "",
      "",
      u.export.included ? "in import file" : "not in import file",
      u.why,
      u.export.included ? [u.email, u.phone].filter(Boolean).join(" ") : u.export.reason,
      "",
    ]);
  for (const [side, groups] of [
    ["duplicate in app", r.duplicates.app],
    ["duplicate in QuickBooks", r.duplicates.qbo],
  ] as const)
    groups.forEach((g, n) => {
      for (const m of g.members)
        rows.push([side, n + 1, m.id, m.name, "", "", g.score, g.reasons.join("; "), m.linkedTo ?? "", ""]);
    });
  for (const a of r.autoRepairs)
    rows.push([
      "auto-repair",
      "",
      a.ref,
      a.field ?? "",
      a.action,
      "",
      "",
      a.summary,
      `${json(a.before)} → ${json(a.after)}`,
      a.at,
    ]);
  // Every row as wide as the header: spreadsheets and CSV readers expect a rectangle.
  const width = reportCsvColumns.length;
  const padded = rows.map((r) =>
    r.length < width ? [...r, ...Array<string>(width - r.length).fill("")] : r,
  );
  return "\uFEFF" + csvText([reportCsvColumns, ...padded]);
}
