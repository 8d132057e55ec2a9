import { createReadStream, statSync } from "node:fs";
import type { Command } from "commander";
import {
  collections,
  CsvImportError,
  csvEncoding,
  importCsv,
  loadConfig,
  parseColumnMapping,
  type CsvImportOptions,
  type CsvImportResult,
} from "@ledgerlink/server";
import { openStore } from "@ledgerlink/store";
import { exitCodes, UsageError } from "../exit-codes.js";
import { progressBar } from "../progress-bar.js";

interface ImportCliOptions {
  file: string;
  field: string[];
  preview?: boolean;
  sample: string;
  encoding?: string;
  delimiter?: string;
  company?: string;
  json?: boolean;
}

const delimiters: Record<string, string> = { ",": ",", ";": ";", "|": "|", tab: "\t", "\t": "\t" };

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The rejected records as a table: one line per problem, the record named on its first. */
export function rejectionTable(rejected: CsvImportResult["rejected"]): string[] {
  const rows = [["ROW", "RECORD", "FIELD", "COLUMN", "PROBLEM"]];
  for (const r of rejected) {
    r.issues.forEach((issue, i) =>
      rows.push([
        String(issue.row),
        i === 0 ? (r.ref ?? "(no id)") : "",
        issue.field,
        issue.column ?? "",
        issue.message,
      ]),
    );
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) =>
    row
      .map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
}

function summary(collection: string, file: string, company: string, r: CsvImportResult): string[] {
  const out = [
    r.stored
      ? `Imported ${collection} from ${file} into ${company}:`
      : `Preview of ${collection} from ${file} (nothing stored):`,
    `  columns: ${Object.entries(r.columns)
      .map(([field, column]) => `${field} ← "${column}"`)
      .join(
        ", ",
      )}${r.ignoredColumns.length > 0 ? `; ignored: ${r.ignoredColumns.map((c) => `"${c}"`).join(", ")}` : ""}`,
    `  ${r.rows} rows, ${r.records} records (${r.encoding}): ${r.valid} valid` +
      (r.stored ? ` (${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged)` : "") +
      `, ${r.rejected.length} rejected`,
  ];
  if (r.rejected.length > 0)
    out.push("", "Rejected (nothing of these was stored):", ...rejectionTable(r.rejected));
  if (!r.stored && r.sample.length > 0) {
    out.push("", `The first ${r.sample.length} valid records, as they would be stored:`);
    for (const s of r.sample) out.push(`  row ${s.row}: ${JSON.stringify(s.record)}`);
  }
  return out;
}

/** `ledgerlink import`: a CSV file of one kind of record into the configured store. */
export function registerImport(program: Command): void {
  program
    .command("import")
    .description("Import customers, items, invoices, credit memos or payments from a CSV file")
    .argument("<collection>", Object.keys(collections).join(", "))
    .requiredOption("--file <path>", "the CSV file")
    .option(
      "--field <field=Column>",
      "read a field from a column, repeatable; fields without one read the column named like them",
      collect,
      [],
    )
    .option("--preview", "check the whole file and show what would be stored; store nothing")
    .option("--sample <n>", "how many valid records a preview shows", "10")
    .option("--encoding <name>", "for a file without a byte-order mark: utf-8 (default) or windows-1252")
    .option("--delimiter <char>", "the cell separator: , (default), ; | or tab")
    .option("--company <id>", "the company to import into (default: LEDGERLINK_COMPANY)")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      "\nInvoices and credit memos take one row per line, payments one row per applied invoice; rows with the\n" +
        "same id in a row make one record. Exit codes: 0 all stored, 1 some records rejected, 2 the file\n" +
        "or the mapping is wrong (nothing stored).\n\nExamples:\n" +
        "  $ ledgerlink import customers --file customers.csv --field id=No --field displayName=Company --preview\n" +
        "  $ ledgerlink import invoices --file invoices.csv --field lines.unitPrice=Price --json",
    )
    .action(async (collection: string, opts: ImportCliOptions) => {
      const kind = collections[collection];
      if (kind === undefined)
        throw new UsageError(
          `unknown collection "${collection}"; use ${Object.keys(collections).join(", ")}`,
        );
      const sampleSize = Number(opts.sample);
      if (!Number.isInteger(sampleSize) || sampleSize < 0)
        throw new UsageError(`--sample must be a whole number, got "${opts.sample}"`);
      const options: CsvImportOptions = { preview: opts.preview === true, sampleSize };
      try {
        options.mapping = parseColumnMapping(opts.field);
        if (opts.encoding !== undefined) options.encoding = csvEncoding(opts.encoding);
      } catch (err) {
        throw err instanceof CsvImportError ? new UsageError(`--field/--encoding: ${err.message}`) : err;
      }
      if (opts.delimiter !== undefined) {
        const d = delimiters[opts.delimiter.toLowerCase()];
        if (d === undefined)
          throw new UsageError(`--delimiter must be one of , ; | tab (got "${opts.delimiter}")`);
        options.delimiter = d;
      }
      let size: number;
      try {
        size = statSync(opts.file).size;
      } catch {
        throw new UsageError(`${opts.file}: no such file`);
      }

      const config = loadConfig();
      const store = await openStore({ url: config.databaseUrl });
      try {
        await store.ensureCompany(config.company, config.company);
        const company = opts.company ?? config.company;
        const companies = (await store.listCompanies()).map((c) => c.id);
        if (!companies.includes(company))
          throw new UsageError(`no company "${company}" (companies: ${companies.join(", ")})`);

        const input = createReadStream(opts.file);
        const bar = progressBar(`reading ${opts.file}`);
        bar.start(size);
        const ticker = setInterval(() => bar.update(input.bytesRead), 250);
        let result: CsvImportResult;
        try {
          result = await importCsv(store.company(company), kind, input, options);
        } catch (err) {
          if (err instanceof CsvImportError) throw new UsageError(`${opts.file}: ${err.message}`);
          throw err;
        } finally {
          clearInterval(ticker);
          bar.update(input.bytesRead);
          bar.stop();
          input.destroy();
        }
        if (opts.json) console.log(JSON.stringify({ collection, company, ...result }, null, 2));
        else console.log(summary(collection, opts.file, company, result).join("\n"));
        process.exitCode = result.rejected.length > 0 ? exitCodes.errorsFound : exitCodes.ok;
      } finally {
        await store.close();
      }
    });
}
