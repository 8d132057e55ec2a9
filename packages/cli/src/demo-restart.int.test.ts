import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { openStore } from "@ledgerlink/store";
import { afterEach, describe, expect, it } from "vitest";
import { ledgerlink, spawnLedgerlink } from "../test/cli-harness.js";

/** Starts `ledgerlink demo` and waits until it is up; resolves with its output so far. */
async function startDemo(env: Record<string, string>) {
  const child = spawnLedgerlink(["demo"], env);
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${out}`)), 90_000);
    child.stdout.on("data", () => {
      if (out.includes("Stop with Ctrl-C")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`the demo exited ${code}:\n${out}`)));
  });
  return { child, output: () => out };
}

const stop = (child: ChildProcessWithoutNullStreams) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGINT");
  });

/**
 * `npm start` a second time: the emulator's QuickBooks starts again from its seed, so what an earlier
 * run created there is gone. The demo must not show those records as synced: it starts over and
 * keeps the earlier database beside the new one.
 */
describe("ledgerlink demo, started again (SQLite)", () => {
  const running: ChildProcessWithoutNullStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.map(stop));
  });

  it("starts over, keeping the earlier database, once an earlier run sent something to QuickBooks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ledgerlink-demo-"));
    const env = {
      DATABASE_URL: `sqlite:${join(dir, "demo.db")}`,
      PORT: "0",
      EMULATOR_PORT: "0",
      LEDGERLINK_KEY_FILE: join(dir, "token.key"),
      REPORT_DIR: join(dir, "reports"),
      NO_COLOR: "1",
    };
    const first = await startDemo(env);
    running.push(first.child);
    // Nothing sent yet: a restart keeps the database (its links are to the seed's own records).
    await stop(first.child);
    const second = await startDemo(env);
    running.push(second.child);
    expect(second.output()).toContain("Kept the demo database of an earlier run");

    // Send one customer to the emulator's QuickBooks, as Sync Now would.
    const emulatorUrl = /QBO emulator:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(second.output())![1]!;
    const sync = await ledgerlink(["sync", "--record", "C:1114"], {
      ...env,
      QBO_BASE_URL: emulatorUrl,
      LEDGERLINK_COMPANY: "demo",
    });
    expect(sync.stdout + sync.stderr).toMatch(/C:1114\s+created as QBO \d+/);
    await stop(second.child);

    const third = await startDemo(env);
    running.push(third.child);
    expect(third.output()).toContain(
      "Started the demo over: 1 record an earlier run sent to QuickBooks (C:1114) is not in the emulator's company",
    );
    const aside = readdirSync(dir).filter((f) => /^demo\.db\.before-[\dT-]+Z$/.test(f));
    expect(aside).toHaveLength(1);
    // The earlier database is kept whole, with its link; the new one starts without it.
    const earlier = await openStore({ url: `sqlite:${join(dir, aside[0]!)}` });
    const now = await openStore({ url: env.DATABASE_URL });
    try {
      expect((await earlier.company("demo").sync.listLinks()).has("C:1114")).toBe(true);
      expect((await now.company("demo").sync.listLinks()).has("C:1114")).toBe(false);
      expect((await now.company("demo").counts()).customers).toBeGreaterThan(0);
    } finally {
      await earlier.close();
      await now.close();
    }
    expect(existsSync(join(dir, "demo.db"))).toBe(true);
  }, 240_000);
});
