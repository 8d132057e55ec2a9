import { execFile } from "node:child_process";
import { createLedgerlink } from "@ledgerlink/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, controlCharacters, ledgerlink, startCliWorld, type CliWorld } from "../test/cli-harness.js";

/** Runs a command on a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
function onTerminal(command: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      "script",
      ["-qfec", `stty cols 120 rows 40; ${command}`, "/dev/null"],
      { env: { PATH: process.env["PATH"] ?? "", TERM: "xterm", ...env } },
      (err, stdout) => resolve({ code: err === null ? 0 : Number(err.code), output: stdout }),
    );
  });
}

describe("the sync progress bar", () => {
  let w: CliWorld;
  const seed = async (from: number, n: number) => {
    const ll = await createLedgerlink({
      database: w.dbUrl,
      company: "acme",
      qbo: { baseUrl: w.url, realmId: w.emu.defaultRealmId, getAccessToken: () => Promise.resolve("x") },
    });
    await ll.records.upsertCustomers(
      Array.from({ length: n }, (_, i) => ({
        id: String(from + i),
        displayName: `Customer ${from + i}`,
        active: true,
      })),
    );
    await ll.close();
  };
  beforeAll(async () => {
    w = await startCliWorld();
    const { NO_COLOR: _, ...env } = w.env;
    w.env = env;
  });
  afterAll(() => w?.close());

  it("renders with rate and ETA on a terminal, and is plain lines without control characters when piped", async () => {
    await seed(1, 40);
    const tty = await onTerminal(`'${process.execPath}' '${bin}' sync`, w.env);
    expect(tty.code, tty.output).toBe(0);
    // The bar, redrawn in place (carriage return / cursor control), with count, rate and ETA.
    expect(tty.output).toMatch(/sync \[[=-]+\] 100% \| 40\/40 \| [\d.]+\/s \| ETA /);
    expect(tty.output).toMatch(controlCharacters);
    expect(tty.output).toContain("Sync succeeded: 40 created");

    await seed(100, 20);
    const piped = await ledgerlink(["sync", "--progress"], w.env);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toMatch(/^sync: 0\/20 \(0%\), [\d.]+\/s$/m);
    expect(piped.stderr).toMatch(/^sync: 20\/20 \(100%\), [\d.]+\/s$/m);
    expect(piped.stderr).not.toMatch(controlCharacters);
    expect(piped.stdout).not.toMatch(controlCharacters);
    expect(piped.stdout).toContain("Sync succeeded: 20 created, 0 linked, 0 updated, 40 unchanged");
  });
});
