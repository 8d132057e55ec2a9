import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitCodes } from "./exit-codes.js";
import { ledgerlink, startCliWorld, type CliWorld, worldLedgerlink } from "../test/cli-harness.js";

/**
 * `ledgerlink sync` while QuickBooks answers 503 to every write: the built binary as a subprocess, the
 * emulator over HTTP, a real SQLite file. It prints the run's note and exits 6, documented in --help;
 * the next sync, with QBO back, sends the customer once and exits 0.
 */
describe("ledgerlink sync when QuickBooks cannot be reached (SQLite)", () => {
  let w: CliWorld;
  const realm = () => w.emu.realm(w.emu.defaultRealmId);
  const upsert = async (id: string, displayName: string) => {
    const ll = await worldLedgerlink(w);
    await ll.records.upsertCustomers([{ id, displayName, active: true }]);
    await ll.close();
  };

  beforeAll(async () => {
    w = await startCliWorld();
    await upsert("1", "Redbird Diner");
    const first = await ledgerlink(["sync"], w.env);
    expect(first.code, first.stderr + first.stdout).toBe(exitCodes.ok);
  });
  afterAll(() => w?.close());

  it("prints the note in plain words and exits 6; the next sync sends the record once and exits 0", async () => {
    await upsert("2", "Capitol Fitness");
    for (const pathIncludes of ["/batch", "/customer"])
      realm().injectFault({ kind: "503", probability: 1, pathIncludes });
    let down;
    try {
      down = await ledgerlink(["sync"], w.env);
    } finally {
      realm().clearFaults();
    }
    expect(down.code, down.stderr + down.stdout).toBe(exitCodes.qboUnreachable);
    expect(down.code).toBe(6);
    expect(down.stdout).toContain("Sync failed:");
    expect(down.stdout).toContain(
      "QuickBooks could not be reached: it answered 503 Service Unavailable, after 2 tries. " +
        "The 1 record waiting will be sent again on the next sync, with nothing duplicated",
    );
    // No stack trace, no token.
    expect(down.stdout + down.stderr).not.toMatch(/\n\s+at |Bearer|eyJ/);

    const back = await ledgerlink(["sync"], w.env);
    expect(back.code, back.stderr + back.stdout).toBe(exitCodes.ok);
    expect(
      realm()
        .list("Customer")
        .filter((c) => c["DisplayName"] === "Capitol Fitness"),
    ).toHaveLength(1);

    const help = await ledgerlink(["--help"], w.env);
    expect(help.stdout).toMatch(/6 {2}QuickBooks could not be reached/);
  });

  it("a plan whose pull QuickBooks does not answer says so in plain words and exits 6, not 4", async () => {
    realm().injectFault({ kind: "503", probability: 1 });
    let plan;
    try {
      plan = await ledgerlink(["plan"], w.env);
    } finally {
      realm().clearFaults();
    }
    expect(plan.code, plan.stderr + plan.stdout).toBe(exitCodes.qboUnreachable);
    expect(plan.stderr).toMatch(
      /^Could not read QuickBooks' changes: QuickBooks answered 503 Service Unavailable, after \d+ tries; nothing was planned\. Try again later\.$/m,
    );
    expect(plan.stdout + plan.stderr).not.toMatch(/\n\s+at |Bearer|eyJ/);
  });
});
