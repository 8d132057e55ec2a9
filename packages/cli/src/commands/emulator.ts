import type { Command } from "commander";
import { createEmulator, demoCompanySeed, loadSeedFile } from "@ledgerlink/emulator";

/** `ledgerlink emulator`: the QBO v3 API, offline, on a port. */
export function registerEmulator(program: Command): void {
  program
    .command("emulator")
    .description("Run the QuickBooks Online API emulator")
    .option("--port <port>", "port to listen on", "4010")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--seed <file>", "companies to start with (JSON), or 'demo' for the demo company")
    .addHelpText("after", "\nExample:\n  $ ledgerlink emulator --port 4010 --seed demo")
    .action(async (opts: { port: string; host: string; seed?: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port must be 0–65535, got "${opts.port}"`);
      const seed =
        opts.seed === undefined
          ? undefined
          : opts.seed === "demo"
            ? demoCompanySeed
            : loadSeedFile(opts.seed);
      const emu = createEmulator(seed === undefined ? {} : { seed });
      const srv = await emu.listen({ port, host: opts.host });
      console.log(
        `QBO emulator on ${srv.url} (realm ${emu.defaultRealmId}; client id ${emu.defaultApp.clientId})`,
      );
      const stop = () => void srv.close().then(() => process.exit(0));
      process.once("SIGINT", stop).once("SIGTERM", stop);
    });
}
