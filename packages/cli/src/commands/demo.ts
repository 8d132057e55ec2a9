import type { Command } from "commander";
import { createEmulator, demoCompanySeed } from "@ledgerlink/emulator";
import { loadConfig, startServer } from "@ledgerlink/server";

/** `ledgerlink demo` (what `npm start` runs): the emulator, the server and the console, together. */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("Start the demo: the QBO emulator, the server and the console on embedded SQLite")
    .addHelpText("after", "\nExample:\n  $ PORT=3000 ledgerlink demo")
    .action(async () => {
      const config = loadConfig();
      // The QBO side of the demo company, as a bookkeeper typed it in by hand (seed articles' failures).
      const emu = createEmulator({ seed: demoCompanySeed });
      const emulator = await emu.listen({ port: config.emulatorPort, host: "127.0.0.1" });
      const server = await startServer({
        ...config,
        qbo: { ...config.qbo, environment: "emulator", baseUrl: emulator.url },
      });
      // The emulator's consent page needs no person: connect the demo company through real OAuth.
      if ((await server.connections.status(config.company)).state === "disconnected") {
        await server.connections.connectToEmulatorAutomatically(config.company);
      }
      console.log(`Ledgerlink demo is running.
  console:       ${server.url}
  QBO emulator:  ${emulator.url} (realm ${emu.defaultRealmId}; its data: ${emulator.url}/_emulator/realms/${emu.defaultRealmId}/view)
  database:      ${config.databaseUrl}
Try, in another terminal:
  curl -X POST ${server.url}/api/v1/companies/${config.company}/customers -H 'content-type: application/json' \\
    -d '[{"id":"1042","displayName":"Big Duplicating Co."},{"id":"1043","parentId":"1042","displayName":"12 Elm St"}]'
  npx ledgerlink sync --dry-run && npx ledgerlink sync
Stop with Ctrl-C.`);
      const stop = () => void Promise.all([server.close(), emulator.close()]).then(() => process.exit(0));
      process.once("SIGINT", stop).once("SIGTERM", stop);
    });
}
