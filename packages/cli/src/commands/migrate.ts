import type { Command } from "commander";
import { dialectOf, migrationStatus, runMigrations, type MigrationState } from "@ledgerlink/store";
import { loadCliConfig, type ConfigFlags } from "../cli-config.js";
import { withConfigFlags } from "../cli-context.js";
import { exitCodes } from "../exit-codes.js";
import { paint, printJson, renderTable } from "../output-format.js";

/** `ledgerlink migrate --json`: every migration with when it ran (null: pending), and what this run applied. */
export interface MigrateJson {
  dialect: "sqlite" | "postgres";
  applied: string[];
  migrations: MigrationState[];
  pending: number;
}

interface MigrateOptions extends ConfigFlags {
  status?: boolean;
  json?: boolean;
}

/**
 * `ledgerlink migrate`: brings the database schema up to date explicitly (every other verb does it on
 * opening, too), or with --status only shows which migrations ran and which are pending.
 */
export function registerMigrate(program: Command): void {
  withConfigFlags(
    program
      .command("migrate")
      .description("Apply the database migrations that are pending, and show applied and pending ones"),
  )
    .option("--status", "only show applied and pending migrations; change nothing")
    .option("--json", "print the migrations as JSON")
    .addHelpText(
      "after",
      "\nWith --status, exits 1 when migrations are pending.\n\nExample:\n  $ ledgerlink migrate --status\n  $ DATABASE_URL=postgres://ledgerlink@db/ledgerlink ledgerlink migrate",
    )
    .action(async (opts: MigrateOptions) => {
      const config = loadCliConfig(opts);
      const db = { url: config.databaseUrl };
      const applied = opts.status ? [] : await runMigrations(db);
      const migrations = await migrationStatus(db);
      const json: MigrateJson = {
        dialect: dialectOf(config.databaseUrl),
        applied,
        migrations,
        pending: migrations.filter((m) => m.executedAt === null).length,
      };
      if (opts.json) printJson(json);
      else {
        console.log(
          renderTable(migrations, [
            { header: "MIGRATION", value: (m) => m.name },
            {
              header: "STATE",
              value: (m) =>
                applied.includes(m.name) ? "applied now" : m.executedAt === null ? "pending" : "applied",
              colour: (m) =>
                m.executedAt === null ? "yellow" : applied.includes(m.name) ? "green" : undefined,
            },
            { header: "AT", value: (m) => m.executedAt },
          ]),
        );
        console.log(
          json.pending > 0
            ? paint("yellow", `${json.pending} pending: run \`ledgerlink migrate\` to apply.`)
            : applied.length > 0
              ? `Applied ${applied.length} migration${applied.length === 1 ? "" : "s"}; the schema is up to date.`
              : "The schema is up to date.",
        );
      }
      process.exitCode = json.pending > 0 ? exitCodes.errorsFound : exitCodes.ok;
    });
}
