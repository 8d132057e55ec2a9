import { writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import {
  ApiError,
  buildPeriodReport,
  buildRunReport,
  parsePeriod,
  renderReportCsv,
  renderReportHtml,
  reportTransport,
  sendRunReport,
  type ReportDelivery,
  type SyncReport,
} from "@ledgerlink/server";
import { withConfigFlags, withContext } from "../cli-context.js";
import type { ConfigFlags } from "../cli-config.js";
import { exitCodes, UsageError } from "../exit-codes.js";
import { printJson } from "../output-format.js";

interface ReportOptions extends ConfigFlags {
  run?: string;
  from?: string;
  format: "json" | "html" | "csv";
  json?: boolean;
  out?: string;
  email?: boolean;
  to: string[];
}

/**
 * `ledgerlink report`: the post-sync report of a run (the latest unless --run), or of a period with
 * --from/--to (as `GET …/reports?from=&to=` reads them), as JSON, HTML or CSV — the server's report,
 * not a copy — or, with --email, a run's report sent as the scheduler sends it.
 */
export function registerReport(program: Command): void {
  withConfigFlags(
    program
      .command("report")
      .description("Print the post-sync report of a run (the latest by default) or a period, or email it"),
  )
    .option("--run <id>", "the run to report on (default: the latest)")
    .option("--from <date>", "report on a period instead of a run: from this day (2026-11-01) or instant")
    .addOption(
      new Option("--format <format>", "html, csv or json").choices(["html", "csv", "json"]).default("html"),
    )
    .option("--json", "same as --format json")
    .option("--out <file>", "write the report here instead of stdout")
    .option("--email", "send the report (SMTP_URL) to the company's recipients, or write it to REPORT_DIR")
    .option(
      "--to <date|address>",
      "with --from: the period's end, this day included (or this instant; default now); with --email: send to this address instead, repeatable",
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .addHelpText(
      "after",
      "\nExample:\n  $ ledgerlink report --format csv --out last-sync.csv\n  $ ledgerlink report --from 2026-11-01 --to 2026-11-30 --json\n  $ ledgerlink report --run 01J8Z… --email --to books@example.com",
    )
    .action(async (opts: ReportOptions) => {
      const period = periodOf(opts);
      if (period === undefined && opts.to.length > 0 && !opts.email)
        throw new UsageError("--to needs --email (recipients) or --from (a period)");
      const format = opts.json ? "json" : opts.format;
      const out = await withContext(opts, async ({ store, companyId, clock, config }) => {
        if (period !== undefined) {
          const { report } = await buildPeriodReport({ store, companyId, clock, ...period });
          return { body: renderReport(report, format) } as const;
        }
        const runId = opts.run ?? (await store.company(companyId).sync.listRunSummaries({ limit: 1 }))[0]?.id;
        if (runId === undefined)
          throw new UsageError(`company "${companyId}" has no sync run yet: run \`ledgerlink sync\` first`);
        if (opts.email) {
          const delivery = await sendRunReport({
            store,
            companyId,
            runId,
            transport: reportTransport(config.reports),
            ...(opts.to.length > 0 ? { recipients: opts.to } : {}),
            clock,
          });
          return { delivery } as const;
        }
        const { report } = await buildRunReport({ store, companyId, runId, clock });
        return { body: renderReport(report, format) } as const;
      });
      if ("delivery" in out) {
        if (opts.json) printJson(out.delivery);
        else console.log(deliveryText(out.delivery));
      } else if (opts.out !== undefined) {
        await writeFile(opts.out, out.body, "utf8");
        process.stderr.write(`report written to ${opts.out}\n`);
      } else process.stdout.write(out.body);
      process.exitCode = exitCodes.ok;
    });
}

function renderReport(report: SyncReport, format: ReportOptions["format"]): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  return format === "csv" ? renderReportCsv(report) : renderReportHtml(report);
}

/** The period of `--from/--to` ([from, to) in UTC, as the HTTP API reads it), or undefined for a run. */
function periodOf(opts: ReportOptions): { from: string; to: string } | undefined {
  if (opts.from === undefined) return undefined;
  if (opts.run !== undefined)
    throw new UsageError("--run and --from: report on a run or on a period, not both");
  if (opts.email) throw new UsageError("--email sends a run's report; leave out --from/--to");
  if (opts.to.length > 1) throw new UsageError(`--to: a period has one end, got ${opts.to.join(", ")}`);
  try {
    return parsePeriod({ from: opts.from, to: opts.to[0] }, new Date());
  } catch (err) {
    // The API's message names the query field ("from: …"); here it is the flag.
    if (err instanceof ApiError) throw new UsageError(`--${err.message}`);
    throw err;
  }
}

function deliveryText(d: ReportDelivery): string {
  return d.delivery === "smtp"
    ? `Emailed "${d.subject}" through ${d.server} to ${d.accepted.join(", ")}${d.rejected.length > 0 ? ` (refused: ${d.rejected.join(", ")})` : ""}.`
    : `Not emailed: ${d.reason}. Written to ${d.directory}: ${d.files.join(", ")}.`;
}
