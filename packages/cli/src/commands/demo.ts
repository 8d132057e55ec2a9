import type { Command } from "commander";
import { createEmulator } from "@ledgerlink/emulator";
import { loadConfig, startServer } from "@ledgerlink/server";

/** `ledgerlink demo` (what `npm start` runs): the emulator, the server and the console, together. */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("Start the demo: the QBO emulator, the server and the console on embedded SQLite")
    .addHelpText("after", "\nExample:\n  $ PORT=3000 ledgerlink demo")
    .action(async () => {
      const config = loadConfig();
      const emu = createEmulator();
      const emulator = await emu.listen({ port: config.emulatorPort, host: "127.0.0.1" });
      const server = await startServer({
        ...config,
        qbo: { ...config.qbo, baseUrl: emulator.url, realmId: config.qbo.realmId ?? emu.defaultRealmId },
      });
      console.log(`Ledgerlink demo
  console:       ${server.url}
  QBO emulator:  ${emulator.url} (realm ${emu.defaultRealmId})
  database:      ${config.databaseUrl}
Try: curl ${server.url}/api/status    then, in another terminal: npx ledgerlink sync`);
      const stop = () => void Promise.all([server.close(), emulator.close()]).then(() => process.exit(0));
      process.once("SIGINT", stop).once("SIGTERM", stop);
    });
}
