import { writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import {
  buildRunReport,
  renderReportCsv,
  renderReportHtml,
  reportTransport,
  sendRunReport,
  type ReportDelivery,
} from "@ledgerlink/server";
import { withConfigFlags, withContext } from "../cli-context.js";
import type { ConfigFlags } from "../cli-config.js";
import { exitCodes, UsageError } from "../exit-codes.js";
import { printJson } from "../output-format.js";

interface ReportOptions extends ConfigFlags {
  run?: string;
  format: "json" | "html" | "csv";
  json?: boolean;
  out?: string;
  email?: boolean;
  to: string[];
}

/**
 * `ledgerlink report`: the post-sync report of a run (the latest unless --run) as JSON, HTML or CSV —
 * the server's report, not a copy — or, with --email, sent as the scheduler sends it.
 */
export function registerReport(program: Command): void {
  withConfigFlags(
    program
      .command("report")
      .description("Print the post-sync report of a run (the latest by default), or email it"),
  )
    .option("--run <id>", "the run to report on (default: the latest)")
    .addOption(
      new Option("--format <format>", "html, csv or json").choices(["html", "csv", "json"]).default("html"),
    )
    .option("--json", "same as --format json")
    .option("--out <file>", "write the report here instead of stdout")
    .option("--email", "send the report (SMTP_URL) to the company's recipients, or write it to REPORT_DIR")
    .option(
      "--to <address>",
      "with --email: send to this address instead; repeatable",
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .addHelpText(
      "after",
      "\nExample:\n  $ ledgerlink report --format csv --out last-sync.csv\n  $ ledgerlink report --run 01J8Z… --email --to books@example.com",
    )
    .action(async (opts: ReportOptions) => {
      if (opts.to.length > 0 && !opts.email) throw new UsageError("--to needs --email");
      const format = opts.json ? "json" : opts.format;
      const out = await withContext(opts, async ({ store, companyId, clock, config }) => {
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
        const body =
          format === "json"
            ? `${JSON.stringify(report, null, 2)}\n`
            : format === "csv"
              ? renderReportCsv(report)
              : renderReportHtml(report);
        return { body } as const;
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

function deliveryText(d: ReportDelivery): string {
  return d.delivery === "smtp"
    ? `Emailed "${d.subject}" through ${d.server} to ${d.accepted.join(", ")}${d.rejected.length > 0 ? ` (refused: ${d.rejected.join(", ")})` : ""}.`
    : `Not emailed: ${d.reason}. Written to ${d.directory}: ${d.files.join(", ")}.`;
}
