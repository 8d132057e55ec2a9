import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { loadUnmatchedCustomers, unmatchedCustomersCsv } from "@ledgerlink/server";
import { withConfigFlags, withContext } from "../cli-context.js";
import type { ConfigFlags } from "../cli-config.js";
import { exitCodes } from "../exit-codes.js";

interface ExportOptions extends ConfigFlags {
  out?: string;
}

/**
 * `ledgerlink export-unmatched`: the app's customers with no QuickBooks link, in the columns QuickBooks'
 * customer import takes (the console's export), for those who import by hand.
 */
export function registerExportUnmatched(program: Command): void {
  withConfigFlags(
    program
      .command("export-unmatched")
      .description(
        "Write the customers not yet in QuickBooks as a CSV file QuickBooks' customer import takes",
      ),
  )
    .option("--out <file>", "write the CSV here instead of stdout")
    .addHelpText(
      "after",
      "\nCustomers the import would refuse or duplicate are left out; the count goes to stderr.\n\nExample:\n  $ ledgerlink export-unmatched --out unmatched-customers.csv",
    )
    .action(async (opts: ExportOptions) => {
      const entries = await withContext(opts, ({ store, companyId, clock }) =>
        loadUnmatchedCustomers(store, companyId, clock.now().toISOString()),
      );
      const csv = unmatchedCustomersCsv(entries);
      const included = entries.filter((e) => e.importRow !== undefined).length;
      if (opts.out === undefined) process.stdout.write(csv);
      else await writeFile(opts.out, csv, "utf8");
      process.stderr.write(
        `${included} customer${included === 1 ? "" : "s"} exported` +
          (entries.length > included
            ? `, ${entries.length - included} left out (see \`ledgerlink report\`)`
            : "") +
          (opts.out === undefined ? "" : ` to ${opts.out}`) +
          "\n",
      );
      process.exitCode = exitCodes.ok;
    });
}
