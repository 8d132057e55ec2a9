#!/usr/bin/env node
import { CommanderError } from "commander";
import { ConfigError } from "@ledgerlink/server";
import { exitCodes, UsageError } from "./exit-codes.js";
import { createProgram } from "./program.js";

const program = createProgram();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  } else if (err instanceof ConfigError || err instanceof UsageError) {
    console.error(err.message);
    process.exitCode = exitCodes.usage;
  } else {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = exitCodes.failure;
  }
}
