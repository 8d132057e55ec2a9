import { Option, type Command } from "commander";
import {
  errorCategories,
  errorCategoryTitles,
  type ErrorCategory,
  type ErrorItemDto,
} from "@ledgerlink/core";
import { errorItems } from "@ledgerlink/server";
import { withConfigFlags, withContext } from "../cli-context.js";
import type { ConfigFlags } from "../cli-config.js";
import { exitCodes } from "../exit-codes.js";
import { printJson, renderTable } from "../output-format.js";
import { positiveInt } from "../option-parsers.js";

/** `ledgerlink errors --json`: the HTTP API's Errors page shape, with the company. */
export interface ErrorsJson {
  company: string;
  total: number;
  groups: { category: string; title: string; count: number }[];
  items: ErrorItemDto[];
  nextCursor: string | null;
}

interface ErrorsOptions extends ConfigFlags {
  category?: ErrorCategory;
  source?: "preflight" | "qbo" | "review";
  record?: string;
  limit: number;
  cursor?: string;
  json?: boolean;
}

/** `ledgerlink errors`: the open problems, grouped by category, with the fixes each offers. */
export function registerErrors(program: Command): void {
  withConfigFlags(
    program
      .command("errors")
      .description("List the open problems (blocked records, QBO faults, matches to review) and their fixes"),
  )
    .addOption(new Option("--category <category>", "only this category").choices(errorCategories))
    .addOption(new Option("--source <source>", "only problems from").choices(["preflight", "qbo", "review"]))
    .option("--record <ref>", "only the problems of this record (e.g. C:1042)")
    .option("--limit <n>", "at most this many problems", positiveInt("--limit"), 100)
    .option("--cursor <cursor>", "the next page (`nextCursor` of the previous --json answer)")
    .option("--json", "print the problems as JSON")
    .addHelpText(
      "after",
      "\nExits 1 when there are open problems, 0 when there are none.\n\nExample:\n  $ ledgerlink errors --category duplicate\n  $ ledgerlink errors --json | jq -r '.items[].id'\n  $ ledgerlink fix <id> <action>    # then fix one",
    )
    .action(async (opts: ErrorsOptions) => {
      const page = await withContext(opts, async ({ store, companyId }) => {
        const rows = await store.company(companyId).api.problems.list(
          {
            ...(opts.category === undefined ? {} : { category: opts.category }),
            ...(opts.source === undefined ? {} : { source: opts.source }),
            ...(opts.record === undefined ? {} : { ref: opts.record }),
          },
          { limit: opts.limit, ...(opts.cursor === undefined ? {} : { cursor: opts.cursor }) },
        );
        const json: ErrorsJson = {
          company: companyId,
          total: rows.total,
          groups: rows.groups.map((g) => ({
            category: g.category,
            title: errorCategoryTitles[g.category as ErrorCategory] ?? g.category,
            count: g.count,
          })),
          items: await errorItems(store, companyId, rows.items),
          nextCursor: rows.nextCursor,
        };
        return json;
      });
      if (opts.json) printJson(page);
      else console.log(errorsText(page));
      process.exitCode = page.total > 0 ? exitCodes.errorsFound : exitCodes.ok;
    });
}

function errorsText(page: ErrorsJson): string {
  if (page.total === 0) return `No open problems in ${page.company}.`;
  const lines = [
    `${page.total} open problem${page.total === 1 ? "" : "s"} in ${page.company}: ${page.groups.map((g) => `${g.title} ${g.count}`).join(", ")}`,
    "",
    renderTable(page.items, [
      { header: "ID", value: (i) => i.id },
      {
        header: "CATEGORY",
        value: (i) => i.category,
        colour: (i) => (i.severity === "blocks" ? "red" : "yellow"),
      },
      { header: "RECORD", value: (i) => i.ref },
      { header: "NAME", value: (i) => i.recordName },
      { header: "PROBLEM", value: (i) => i.message },
      {
        header: "FIXES",
        value: (i) =>
          i.fixes
            .filter((f) => f.executable)
            .map((f) => f.action)
            .join(", "),
      },
    ]),
  ];
  if (page.nextCursor !== null) lines.push("", `More: ledgerlink errors --cursor ${page.nextCursor}`);
  return lines.join("\n");
}
