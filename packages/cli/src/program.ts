import { Command } from "commander";
import { registerSync } from "./commands/sync.js";
import { registerServe } from "./commands/serve.js";
import { registerEmulator } from "./commands/emulator.js";
import { registerDemo } from "./commands/demo.js";
import { registerMatch } from "./commands/match.js";
import { registerDedupe } from "./commands/dedupe.js";
import { registerImport } from "./commands/import.js";
import { registerWorker } from "./commands/worker.js";

/** The `ledgerlink` command: one file per verb under commands/, registered here. */
export function createProgram(): Command {
  const program = new Command("ledgerlink")
    .description(
      "Keep a business app's customers, items, invoices and payments in step with QuickBooks Online.",
    )
    .showHelpAfterError()
    // Set before the verbs are added so they inherit it: bin.ts maps commander's exits to our codes.
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });
  registerSync(program);
  registerServe(program);
  registerEmulator(program);
  registerDemo(program);
  registerMatch(program);
  registerDedupe(program);
  registerImport(program);
  registerWorker(program);
  return program;
}
