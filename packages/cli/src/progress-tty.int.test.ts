import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bin,
  controlCharacters,
  createQboCustomer,
  ledgerlink,
  startCliWorld,
  type CliWorld,
  worldLedgerlink,
} from "../test/cli-harness.js";

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

describe("the progress bars of a sync: pull, match, sync", () => {
  let w: CliWorld;
  const seed = async (from: number, n: number) => {
    const ll = await worldLedgerlink(w);
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

  it("renders each phase with rate and ETA on a terminal, and is plain lines without control characters when piped", async () => {
    // QBO has customers of its own (so matching runs), the app 40 that are not there yet.
    for (const name of ["Hand Typed One", "Hand Typed Two", "Hand Typed Three"])
      await createQboCustomer(w, { DisplayName: name });
    await seed(1, 40);
    const tty = await onTerminal(`'${process.execPath}' '${bin}' sync`, w.env);
    expect(tty.code, tty.output).toBe(0);
    // Each phase's bar, redrawn in place (carriage return / cursor control), with count, rate and ETA,
    // in order: the full pull (QBO's customers listed, of QBO's count), matching, then the sync.
    const pull = tty.output.search(/pull Customer \[[=-]+\] 100% \| 3\/3 \| [\d.]+\/s \| ETA /);
    const match = tty.output.search(/match \[[=-]+\] 100% \| 40\/40 \| [\d.]+\/s \| ETA /);
    const sync = tty.output.search(/sync \[[=-]+\] 100% \| 40\/40 \| [\d.]+\/s \| ETA /);
    expect(
      [pull, match, sync].every((at) => at >= 0),
      tty.output,
    ).toBe(true);
    expect(pull).toBeLessThan(match);
    expect(match).toBeLessThan(sync);
    expect(tty.output).toMatch(controlCharacters);
    expect(tty.output).toContain("Sync succeeded: 40 created");

    // The next pull is incremental: change data capture brings QBO's changes since a minute before the
    // last pull (its overlap) in one answer, so each entity's count is known as it arrives.
    await createQboCustomer(w, { DisplayName: "Hand Typed Four" });
    await seed(100, 20);
    const piped = await ledgerlink(["sync", "--progress"], w.env);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toMatch(/^pull Customer: (\d+)\/\1 \(100%\), [\d.]+\/s$/m);
    expect(piped.stderr).toMatch(/^match: 0\/60 \(0%\), [\d.]+\/s$/m);
    expect(piped.stderr).toMatch(/^match: 60\/60 \(100%\), [\d.]+\/s$/m);
    expect(piped.stderr).toMatch(/^sync: 0\/20 \(0%\), [\d.]+\/s$/m);
    expect(piped.stderr).toMatch(/^sync: 20\/20 \(100%\), [\d.]+\/s$/m);
    const order = ["pull Customer:", "match:", "sync:"].map((l) => piped.stderr.indexOf(l));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(piped.stderr).not.toMatch(controlCharacters);
    expect(piped.stdout).not.toMatch(controlCharacters);
    expect(piped.stdout).toContain("Sync succeeded: 20 created, 0 linked, 0 updated, 40 unchanged");
  });
});
