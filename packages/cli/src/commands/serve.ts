import type { Command } from "commander";
import { loadConfig, startServer } from "@ledgerlink/server";

/** `ledgerlink serve`: the HTTP API and console. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("Serve the HTTP API and the console (PORT, DATABASE_URL, QBO_* from the environment)")
    .addHelpText("after", "\nExample:\n  $ PORT=8080 ledgerlink serve")
    .action(async () => {
      const server = await startServer(loadConfig());
      console.log(`Ledgerlink console on ${server.url}`);
      // A database with no user yet got an admin; its password is shown here once, never logged.
      if (server.firstAdmin)
        console.log(
          `First admin: ${server.firstAdmin.email} / ${server.firstAdmin.password} (shown once; sign in and change it)`,
        );
      const stop = () => void server.close().then(() => process.exit(0));
      process.once("SIGINT", stop).once("SIGTERM", stop);
    });
}
