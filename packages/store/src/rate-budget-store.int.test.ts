import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./store.js";
import { testDatabases } from "./test-databases.js";

describe.each(testDatabases())("rate budget shared by workers ($dialect)", (database) => {
  const stores: Store[] = [];
  const open = async (config = database.fresh()) => {
    const s = await openStore(config);
    stores.push(s);
    return { s, config };
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  const limits = { requestIntervalMs: 200, batchIntervalMs: 1000, maxInFlight: 2, slotTtlMs: 60_000 };

  it("paces starts per company, holds batch calls to their own interval and caps calls in flight", async () => {
    const { s } = await open();
    const a = await s.rateBudgets.acquire("acme", "request", "w1", limits);
    expect(a.granted).toBe(true);
    const b = await s.rateBudgets.acquire("acme", "request", "w1", limits);
    expect(b).toMatchObject({ granted: false, reason: "rate" });
    if (!b.granted) expect(b.retryInMs).toBeGreaterThan(100);
    // Another company has its own budget.
    expect((await s.rateBudgets.acquire("globex", "batch", "w1", limits)).granted).toBe(true);
    await new Promise((r) => setTimeout(r, 220));
    expect((await s.rateBudgets.acquire("acme", "batch", "w1", limits)).granted).toBe(true);
    await new Promise((r) => setTimeout(r, 220));
    // Request interval passed, but the batch interval has not.
    expect(await s.rateBudgets.acquire("acme", "batch", "w1", limits)).toMatchObject({
      granted: false,
      reason: "batch",
    });
    // Two in flight (a and the batch): a third start is refused until one is released.
    expect(await s.rateBudgets.acquire("acme", "request", "w1", limits)).toMatchObject({
      granted: false,
      reason: "in-flight",
    });
    expect(await s.rateBudgets.inFlight("acme")).toBe(2);
    if (a.granted) await s.rateBudgets.release(a.slotId);
    expect((await s.rateBudgets.acquire("acme", "request", "w1", limits)).granted).toBe(true);
  });

  it("frees the slots of a worker that died, by expiry or by holder", async () => {
    const { s } = await open();
    const short = { ...limits, requestIntervalMs: 1, slotTtlMs: 150 };
    expect((await s.rateBudgets.acquire("acme", "request", "dead", short)).granted).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect((await s.rateBudgets.acquire("acme", "request", "dead", short)).granted).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect(await s.rateBudgets.acquire("acme", "request", "live", short)).toMatchObject({
      reason: "in-flight",
    });
    await new Promise((r) => setTimeout(r, 160));
    expect((await s.rateBudgets.acquire("acme", "request", "live", short)).granted).toBe(true);
    await s.rateBudgets.releaseHolder("live");
    expect(await s.rateBudgets.inFlight("acme")).toBe(0);
  });

  it("rejects limits that are not positive numbers, naming the field", async () => {
    const { s } = await open();
    await expect(
      s.rateBudgets.acquire("acme", "request", "w1", { ...limits, requestIntervalMs: 0 }),
    ).rejects.toThrow(/requestIntervalMs must be a positive number/);
  });

  it.runIf(database.dialect === "postgres")(
    "two stores (two pools, as two workers) racing for one company never start closer than the interval",
    async () => {
      const { s: one, config } = await open();
      const { s: two } = await open(config);
      const tight = { requestIntervalMs: 20, batchIntervalMs: 20, maxInFlight: 100, slotTtlMs: 60_000 };
      const granted: number[] = [];
      const started = performance.now();
      let attempts = 0;
      const worker = async (s: Store) => {
        while (granted.length < 40) {
          attempts++;
          const r = await s.rateBudgets.acquire("acme", "request", "w", tight);
          if (r.granted) granted.push(performance.now());
          else await new Promise((res) => setTimeout(res, r.retryInMs));
        }
      };
      await Promise.all([worker(one), worker(two), worker(one), worker(two)]);
      const elapsed = performance.now() - started;
      granted.sort((a, b) => a - b);
      // 40 grants at ≥ 20 ms apart (DB clock) cannot take less than 39 intervals.
      expect(elapsed).toBeGreaterThan(39 * 20 - 5);
      console.log(
        `rate budget on PostgreSQL: ${attempts} acquire transactions for ${granted.length} grants, ${(elapsed / attempts).toFixed(2)} ms each on average (4 callers, 2 pools)`,
      );
    },
    // Opening two migrated stores takes most of the time (about 11 s of 12 on a quiet machine); on a
    // loaded CI machine beside other suites it went past the default 30 s.
    120_000,
  );
});
