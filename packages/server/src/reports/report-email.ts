import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { systemClock, type Clock } from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import nodemailer, { type Transporter } from "nodemailer";
import type { Config } from "../config.js";
import { renderReportCsv } from "./report-csv.js";
import { renderReportHtml, readableTime } from "./report-html.js";
import type { SyncReport } from "./report-schema.js";
import { buildRunReport, buildSlicedRunReport } from "./sync-report.js";
import { unmatchedCustomersCsv } from "./unmatched-customers.js";

/**
 * Where post-sync reports go: a mail server (SMTP_URL), or files under REPORT_DIR when there is none
 * (DESIGN.md: "report written to disk, SMTP when configured"). Reports that cannot be sent are written
 * to disk too, so none is lost.
 */
export type ReportTransport =
  | {
      kind: "smtp";
      mailer: Transporter;
      from: string;
      /** The mail server without credentials, for messages (`smtp://mail.example.com:587`). */
      server: string;
      defaultRecipients: readonly string[];
      dir: string;
    }
  | { kind: "disk"; dir: string; defaultRecipients: readonly string[] };

export type ReportDelivery =
  | {
      delivery: "smtp";
      server: string;
      subject: string;
      messageId: string;
      to: string[];
      accepted: string[];
      rejected: string[];
      attachments: string[];
    }
  | {
      delivery: "disk";
      /** The directory the report's files were written to (absolute). */
      directory: string;
      files: string[];
      subject: string;
      to: string[];
      /** Why it was not emailed. */
      reason: string;
    };

/** The mail server refused or could not be reached; the report was written to `savedTo` instead. */
export class ReportEmailError extends Error {
  override readonly name = "ReportEmailError";
  constructor(
    message: string,
    readonly savedTo: string,
  ) {
    super(message);
  }
}

/** The transport the configuration asks for. */
export function reportTransport(settings: Config["reports"]): ReportTransport {
  const defaultRecipients = settings.recipients;
  if (settings.smtpUrl === undefined || settings.from === undefined)
    return { kind: "disk", dir: settings.dir, defaultRecipients };
  const u = new URL(settings.smtpUrl);
  return {
    kind: "smtp",
    mailer: nodemailer.createTransport(settings.smtpUrl),
    from: settings.from,
    server: `${u.protocol}//${u.host}`,
    defaultRecipients,
    dir: settings.dir,
  };
}

/** Who gets a company's report: its own list when it has one, else the deployment's REPORT_RECIPIENTS. */
export async function reportRecipients(
  store: Store,
  companyId: string,
  transport: ReportTransport,
): Promise<string[]> {
  const own = await store.company(companyId).reports.listRecipients();
  return own.length > 0 ? own : [...transport.defaultRecipients];
}

/** One line for the subject: the company, the run's outcome and what needs a person. */
/** What the report's runs came to: a run cut into slices is partial if any slice was, else as its last. */
function overallStatus(r: SyncReport): string {
  const last = r.runs.at(-1);
  if (!last) return "no run";
  if (r.runs.length > 1 && r.runs.some((x) => x.status === "partial" || x.status === "failed"))
    return "partial";
  return last.status;
}

export function reportSubject(r: SyncReport): string {
  const company = r.company.name.replace(/[\r\n]+/g, " ");
  const problems = r.errors.total === 1 ? "1 open problem" : `${r.errors.total} open problems`;
  return (
    `Sync report for ${company}: ${overallStatus(r)} — ${r.counts.linked} linked, ` +
    `${r.counts.created} created, ${r.counts.updated} updated, ${problems}`
  );
}

function reportText(r: SyncReport): string {
  const lines = [
    `Sync report for ${r.company.name}`,
    r.runs.length > 1
      ? `${r.runs.length} runs (one sync in slices) from ${readableTime(r.runs[0]!.startedAt)}: ${overallStatus(r)}`
      : r.runs[0]
        ? `Run ${r.runs[0].id} started ${readableTime(r.runs[0].startedAt)}: ${r.runs[0].status}`
        : "",
    "",
    ...Object.entries(r.counts).map(([k, v]) => `${k}: ${v}`),
    "",
    `Open problems: ${r.errors.total}`,
    ...r.errors.byCategory.map((g) => `  ${g.title}: ${g.count}`),
    `Waiting for review: ${r.review.total}`,
    `Customers not in QuickBooks: ${r.unmatched.total} (${r.unmatched.exportable} in unmatched-customers.csv)`,
    `Possible duplicates: ${r.duplicates.app.length} in the app, ${r.duplicates.qbo.length} in QuickBooks`,
    `Fixed automatically: ${r.autoRepairs.length}`,
    "",
    "The full report is this message's HTML part; the CSV files are attached.",
  ];
  return lines.join("\n");
}

const safeSegment = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, "_") || "_";

/**
 * Builds the report of a run and emails it (HTML body, the report CSV and the unmatched customers in
 * QBO's import layout attached) to the company's recipients — or writes it to disk when no mail server
 * or no recipient is configured. For the scheduler after each scheduled run, and the email endpoint.
 * Throws the store's RunNotFoundError for an unknown run, ReportEmailError when sending fails.
 */
export async function sendRunReport(o: {
  store: Store;
  companyId: string;
  runId: string;
  transport: ReportTransport;
  /** Overrides the configured recipients (the email endpoint's body). */
  recipients?: readonly string[];
  clock?: Clock;
  /** The run was the last slice of a run cut into slices that began then: report them all. */
  since?: string;
}): Promise<ReportDelivery> {
  const clock = o.clock ?? systemClock;
  const input = { store: o.store, companyId: o.companyId, runId: o.runId, clock };
  const built =
    o.since === undefined
      ? await buildRunReport(input)
      : await buildSlicedRunReport({ ...input, since: o.since });
  const r = built.report;
  const subject = reportSubject(r);
  const files: { name: string; content: string; type: string }[] = [
    { name: `sync-report-${safeSegment(o.runId)}.csv`, content: renderReportCsv(r), type: "text/csv" },
  ];
  if (r.unmatched.exportable > 0)
    files.push({
      name: "unmatched-customers.csv",
      content: unmatchedCustomersCsv(built.unmatched),
      type: "text/csv",
    });
  const html = renderReportHtml(r);
  const to = o.recipients ? [...o.recipients] : await reportRecipients(o.store, o.companyId, o.transport);

  const toDisk = async (reason: string): Promise<ReportDelivery & { delivery: "disk" }> => {
    const directory = resolve(o.transport.dir, safeSegment(o.companyId), safeSegment(o.runId));
    await mkdir(directory, { recursive: true });
    const written = [{ name: "sync-report.html", content: html }, ...files];
    for (const f of written) await writeFile(join(directory, f.name), f.content, "utf8");
    return { delivery: "disk", directory, files: written.map((f) => f.name), subject, to, reason };
  };

  if (o.transport.kind === "disk") return toDisk("no mail server is configured (SMTP_URL)");
  if (to.length === 0) return toDisk("no recipients are configured for this company or in REPORT_RECIPIENTS");

  const t = o.transport;
  try {
    const info = (await t.mailer.sendMail({
      from: t.from,
      to,
      subject,
      text: reportText(r),
      html,
      attachments: files.map((f) => ({
        filename: f.name,
        content: f.content,
        contentType: `${f.type}; charset=utf-8`,
      })),
    })) as { messageId: string; accepted: unknown[]; rejected: unknown[] };
    return {
      delivery: "smtp",
      server: t.server,
      subject,
      messageId: info.messageId,
      to,
      accepted: info.accepted.map(String),
      rejected: info.rejected.map(String),
      attachments: files.map((f) => f.name),
    };
  } catch (err) {
    const saved = await toDisk("sending failed");
    throw new ReportEmailError(
      `The mail server ${t.server} did not take the report (${mailFailure(err)}); it was written to ${saved.directory}`,
      saved.directory,
    );
  }
}

/** What went wrong, in a line, without anything the transport might echo of the credentials. */
function mailFailure(err: unknown): string {
  const e = err as { code?: unknown; responseCode?: unknown; response?: unknown };
  const parts: string[] = [];
  if (typeof e.code === "string") parts.push(e.code);
  if (typeof e.responseCode === "number") parts.push(String(e.responseCode));
  if (typeof e.response === "string") parts.push(e.response.slice(0, 200).replace(/[\r\n]+/g, " "));
  return parts.length > 0 ? parts.join(" ") : "unknown error";
}
