import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { loadConfig } from "@ledgerlink/server";
import { defaultConfigFile, parseConfigFile } from "../cli-config.js";
import { renderConfigTemplate } from "../config-template.js";
import { exitCodes, UsageError } from "../exit-codes.js";

interface InitOptions {
  config?: string;
  database?: string;
  company?: string;
  environment?: string;
  force?: boolean;
}

/** `ledgerlink init`: writes ./ledgerlink.env, every setting commented, the given ones set. */
export function registerInit(program: Command): void {
  program
    .command("init")
    .description(`Write a commented config file (${defaultConfigFile}) in this directory`)
    .option("--config <file>", "where to write it", defaultConfigFile)
    .option("--database <url>", "set DATABASE_URL (sqlite:<file> or postgres://…)")
    .option("--company <id>", "set LEDGERLINK_COMPANY")
    .addOption(
      new Option("--environment <env>", "set QBO_ENVIRONMENT").choices(["emulator", "sandbox", "production"]),
    )
    .option("--force", "overwrite an existing file")
    .addHelpText(
      "after",
      "\nThe file is checked as every verb checks it; it is readable by you only (it may hold secrets).\n\nExample:\n  $ ledgerlink init --database sqlite:./data/ledgerlink.db --company acme\n  $ ledgerlink status",
    )
    .action(async (opts: InitOptions) => {
      const path = opts.config ?? defaultConfigFile;
      if (existsSync(path) && !opts.force)
        throw new UsageError(`${resolve(path)} exists already; pass --force to overwrite it`);
      const set: Record<string, string> = {};
      if (opts.database !== undefined) set["DATABASE_URL"] = opts.database;
      if (opts.company !== undefined) set["LEDGERLINK_COMPANY"] = opts.company;
      if (opts.environment !== undefined) set["QBO_ENVIRONMENT"] = opts.environment;
      const text = renderConfigTemplate(set);
      // Checked before writing, as the verbs will read it (alone, without the environment).
      loadConfig(parseConfigFile(text, path).values);
      await writeFile(path, text, { encoding: "utf8", mode: 0o600 });
      console.log(`Wrote ${resolve(path)}. Next: \`ledgerlink migrate\`, then \`ledgerlink connect\`.`);
      process.exitCode = exitCodes.ok;
    });
}
