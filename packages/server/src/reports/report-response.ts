import type { Context } from "hono";
import { ApiError } from "../api-error.js";
import { renderReportCsv } from "./report-csv.js";
import { renderReportHtml } from "./report-html.js";
import type { SyncReport } from "./report-schema.js";

export const reportFormats = ["json", "html", "csv"] as const;
export type ReportFormat = (typeof reportFormats)[number];

/**
 * Splits `…/runs/:runId.csv` into the run id and the format (json when there is no extension). Run ids
 * never hold a dot, so the last dot starts the extension; an extension we do not serve is a 400.
 */
export function runIdAndFormat(param: string | undefined): { runId: string; format: ReportFormat } {
  const raw = param ?? "";
  const dot = raw.lastIndexOf(".");
  const runId = dot === -1 ? raw : raw.slice(0, dot);
  const ext = dot === -1 ? "json" : raw.slice(dot + 1);
  if (!(reportFormats as readonly string[]).includes(ext))
    throw new ApiError(400, "invalid_format", `format: use .json, .html or .csv (got ".${ext}")`, {
      field: "format",
    });
  if (runId === "" || runId.length > 200)
    throw new ApiError(400, "invalid_run_id", "runId: give the id of a sync run", { field: "runId" });
  return { runId, format: ext as ReportFormat };
}

/** The report in the format asked for; HTML and CSV as files named after `baseName`. */
export function reportResponse(
  c: Context,
  report: SyncReport,
  format: ReportFormat,
  baseName: string,
): Response {
  if (format === "json") return c.json(report);
  if (format === "html")
    return new Response(renderReportHtml(report), {
      headers: {
        "content-type": "text/html; charset=utf-8",
        // The page shows names typed by people and QBO: even if one slipped past escaping, nothing runs.
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
      },
    });
  return csvResponse(renderReportCsv(report), `${baseName}.csv`);
}

export function csvResponse(body: string, filename: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      ...headers,
    },
  });
}
