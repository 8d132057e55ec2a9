/**
 * The sync runner bench/chaos.ts starts and kills: what `ledgerlink sync` does (same config from the
 * environment, same ConnectionService and syncCompany, same exit codes), against an emulator whose clock
 * runs faster than real time. CHAOS_CLOCK="<real ms>,<emulated ms>,<scale>" pins our clock to the
 * emulator's, so token expiry, CDC checkpoints, rate-limit windows and retry waits all agree with it.
 *
 * Prints one JSON line: the run's status and counts. Exit codes as the CLI's: 0 ok, 1 records failed or
 * blocked, 3 QuickBooks needs reconnecting, 4 anything else.
 */
import type { Clock } from "@ledgerlink/core";
import { ConnectionService, loadConfig, NeedsReconnectError, syncCompany } from "@ledgerlink/server";
import { openStore } from "@ledgerlink/store";

function emulatedClock(spec: string | undefined): { clock: Clock; timeScale: number } {
  const [real, emulated, scale] = (spec ?? "").split(",").map(Number);
  if (real === undefined || emulated === undefined || scale === undefined || !(scale > 0))
    throw new Error(`CHAOS_CLOCK must be "<real ms>,<emulated ms>,<scale>", got ${JSON.stringify(spec)}`);
  return { clock: { now: () => new Date(emulated + (Date.now() - real) * scale) }, timeScale: scale };
}

const { clock, timeScale } = emulatedClock(process.env["CHAOS_CLOCK"]);
const config = loadConfig();
const store = await openStore({ url: config.databaseUrl });
try {
  const connections = new ConnectionService({ store, config, clock, timeScale });
  try {
    const result = await syncCompany({
      store,
      connections,
      companyId: config.company,
      clock,
      environment: config.qbo.environment,
    });
    const run = result.run!;
    console.log(JSON.stringify({ status: run.status, counts: run.counts, calls: run.calls }));
    process.exitCode = run.counts.failed + run.counts.blocked > 0 ? 1 : 0;
  } catch (err) {
    if (!(err instanceof NeedsReconnectError)) throw err;
    console.log(JSON.stringify({ status: "needs-reconnect", note: err.message }));
    process.exitCode = 3;
  }
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 4;
} finally {
  await store.close();
}
