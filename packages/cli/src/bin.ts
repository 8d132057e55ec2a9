#!/usr/bin/env node
import { CommanderError } from "commander";
import { exitCodes } from "./exit-codes.js";
import { createProgram } from "./program.js";

// `ledgerlink errors | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

const program = createProgram();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  } else {
    console.error(err instanceof Error ? err.message : String(err));
    // Loaded only on failure: it imports the error classes of the server and the store.
    const { exitCodeOf } = await import("./exit-code-of.js");
    process.exitCode = exitCodeOf(err).code;
  }
}
