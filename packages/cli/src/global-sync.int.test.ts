import { openStore } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GlobalSyncJson } from "./commands/global-sync.js";
import {
  createQboCustomer,
  ledgerlink,
  spawnLedgerlink,
  startCliWorld,
  type CliWorld,
  worldLedgerlink,
} from "../test/cli-harness.js";

/**
 * `ledgerlink global-sync` as users run it: the built binary as a subprocess, the QBO emulator over
 * HTTP, a real SQLite file. QBO holds customers the app lacks, one spelled like an app customer.
 */
describe("ledgerlink global-sync against the emulator over HTTP (SQLite)", () => {
  let w: CliWorld;
  let osprey = "";
  let oldMill = "";
  const run = (...args: string[]) => ledgerlink(["global-sync", ...args], w.env);
  const json = async (args: string[]): Promise<GlobalSyncJson> => {
    const r = await run(...args, "--json");
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return JSON.parse(r.stdout) as GlobalSyncJson;
  };
  /** The app's customers as stored, with their origin and link. */
  const appCustomers = async () => {
    const store = await openStore({ url: w.dbUrl });
    try {
      const company = store.company("acme");
      const [page, links] = await Promise.all([
        company.api.records.list({ kind: "customer", limit: 500 }),
        company.sync.listLinks(),
      ]);
      return page.items.map((r) => ({
        id: r.id,
        name: r.name,
        origin: r.origin,
        qboId: links.get(`C:${r.id}` as never)?.qboId ?? null,
      }));
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    w = await startCliWorld();
    osprey = await createQboCustomer(w, { DisplayName: "Osprey Sails" });
    oldMill = await createQboCustomer(w, { DisplayName: "Old Mill Bakery", Active: false });
    await createQboCustomer(w, {
      DisplayName: "Kite Works Ltd",
      PrimaryEmailAddr: { Address: "hi@kite.example" },
    });
    const ll = await worldLedgerlink(w);
    await ll.records.upsertCustomers([
      { id: "k1", displayName: "Kite Works Ltd.", email: "hi@kite.example", active: true },
    ]);
    await ll.close();
  });
  afterAll(() => w?.close());

  it("--dry-run lists the QBO-only customers and writes nothing; a look-alike of the app's is not among them", async () => {
    const child = spawnLedgerlink(["connect", "--timeout", "20"], w.env);
    let stdout = "";
    const authorizeUrl = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        const line = stdout.split("\n").find((l) => l.startsWith("http"));
        if (line) resolve(line);
      });
      child.once("exit", () => reject(new Error("connect exited early")));
    });
    expect((await fetch(authorizeUrl)).status).toBe(200);
    expect(await new Promise<number | null>((resolve) => child.once("exit", resolve))).toBe(0);

    const plan = await json(["--dry-run"]);
    expect(plan).toMatchObject({ company: "acme", dryRun: true, scope: "active" });
    const customers = plan.creates.filter((c) => c.kind === "customer");
    expect(customers.map((c) => [c.id, c.name, c.qboId])).toEqual([
      [`qbo-${osprey}`, "Osprey Sails", osprey],
    ]);
    expect(plan.counts.create).toBe(plan.creates.length);
    expect(plan.created).toBeUndefined();
    // The inactive one is left out without --all; QBO's "Kite Works Ltd" is the app's k1, never copied.
    expect(plan.skipped.find((s) => s.qboId === oldMill)?.reason).toBe("inactive");
    expect(plan.creates.some((c) => c.name === "Kite Works Ltd")).toBe(false);
    expect((await appCustomers()).map((c) => c.id)).toEqual(["k1"]);

    const text = await run("--dry-run");
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      `Global sync of acme (dry run, active QuickBooks records): ${plan.counts.create} to bring in`,
    );
    expect(text.stdout).toContain(`C:qbo-${osprey}  Osprey Sails  (QBO ${osprey})`);
    expect(text.stdout).toContain("Run `ledgerlink global-sync` to bring them in.");
  });

  it("while a sync of the company runs: exit 5, nothing written", async () => {
    const store = await openStore({ url: w.dbUrl });
    const holder = "other-host:4242:1";
    try {
      expect(await store.company("acme").sync.acquireLease(holder, 60_000, new Date())).toBe(true);
      const r = await run();
      expect(r.code, r.stderr + r.stdout).toBe(5);
      expect(r.stderr).toContain("A sync of company acme is already running");
      expect((await appCustomers()).map((c) => c.id)).toEqual(["k1"]);
    } finally {
      await store.company("acme").sync.releaseLease(holder);
      await store.close();
    }
  });

  it("brings them in, linked and marked as from QuickBooks; again changes nothing; --all adds the inactive one", async () => {
    const result = await json([]);
    expect(result.dryRun).toBe(false);
    expect(result.created).toBe(result.counts.create);
    expect(result.created).toBeGreaterThanOrEqual(1);
    const stored = await appCustomers();
    expect(stored.find((c) => c.id === `qbo-${osprey}`)).toEqual({
      id: `qbo-${osprey}`,
      name: "Osprey Sails",
      origin: "qbo",
      qboId: osprey,
    });
    expect(stored.find((c) => c.id === "k1")?.origin).toBeNull();

    const again = await run();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Global sync of acme (active QuickBooks records): 0 brought in");
    expect(await appCustomers()).toEqual(stored);

    const all = await json(["--all"]);
    expect(all.scope).toBe("all");
    expect(all.creates.map((c) => [c.id, c.active])).toEqual([[`qbo-${oldMill}`, false]]);
    expect(all.created).toBe(1);
    expect((await appCustomers()).find((c) => c.id === `qbo-${oldMill}`)?.origin).toBe("qbo");
  });

  it("--help names the flags, the exit codes and an example", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    for (const text of [
      "--dry-run",
      "--all",
      "--json",
      "Exits 3",
      "5 while a sync",
      "$ ledgerlink global-sync",
    ])
      expect(r.stdout).toContain(text);
    const root = await ledgerlink(["--help"], w.env);
    expect(root.stdout).toMatch(
      /global-sync \[options\]\s+Bring customers and items that exist only in QuickBooks/,
    );
  });
});
