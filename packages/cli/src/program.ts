import { Command } from "commander";
import { registerSync } from "./commands/sync.js";
import { registerServe } from "./commands/serve.js";
import { registerEmulator } from "./commands/emulator.js";
import { registerDemo } from "./commands/demo.js";
import { registerMatch } from "./commands/match.js";
import { registerDedupe } from "./commands/dedupe.js";
import { registerImport } from "./commands/import.js";
import { registerWorker } from "./commands/worker.js";
import { registerStatus } from "./commands/status.js";
import { registerPlan } from "./commands/plan.js";
import { registerErrors } from "./commands/errors.js";
import { registerFix } from "./commands/fix.js";
import { registerReview } from "./commands/review.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerMerge } from "./commands/merge.js";
import { registerExportUnmatched } from "./commands/export-unmatched.js";
import { registerReport } from "./commands/report.js";
import { registerInit } from "./commands/init.js";
import { registerConnect } from "./commands/connect.js";
import { exitCodeHelp } from "./exit-codes.js";

/** The `ledgerlink` command: one file per verb under commands/, registered here. */
export function createProgram(): Command {
  const program = new Command("ledgerlink")
    .description(
      "Keep a business app's customers, items, invoices and payments in step with QuickBooks Online.",
    )
    .showHelpAfterError()
    // Set before the verbs are added so they inherit it: bin.ts maps commander's exits to our codes.
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
    .addHelpText("after", `\n${exitCodeHelp}`);
  registerSync(program);
  registerServe(program);
  registerEmulator(program);
  registerDemo(program);
  registerMatch(program);
  registerDedupe(program);
  registerImport(program);
  registerWorker(program);
  registerStatus(program);
  registerPlan(program);
  registerErrors(program);
  registerFix(program);
  registerReview(program);
  registerMigrate(program);
  registerMerge(program);
  registerExportUnmatched(program);
  registerReport(program);
  registerInit(program);
  registerConnect(program);
  return program;
}
