import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./store.js";
import { testDatabases } from "./test-databases.js";

const limit = { perMinute: 6, burst: 3 }; // one every 10 s, three at once

describe.each(testDatabases())("guess buckets ($dialect)", (database) => {
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it("allows the burst, then says how long to wait, refills with time and forgets a full bucket", async () => {
    const store = await openStore(database.fresh());
    stores.push(store);
    const t0 = 1_800_000_000_000;
    expect(await store.guesses.wait("10.0.0.1", limit, t0)).toBe(0);
    for (let i = 0; i < 3; i++) await store.guesses.spend("10.0.0.1", limit, t0);
    expect(await store.guesses.wait("10.0.0.1", limit, t0)).toBe(10);
    expect(await store.guesses.wait("10.0.0.1", limit, t0 + 4_000)).toBe(6);
    expect(await store.guesses.wait("10.0.0.2", limit, t0)).toBe(0);
    expect(await store.guesses.wait("10.0.0.1", limit, t0 + 10_000)).toBe(0);
    await store.guesses.spend("10.0.0.1", limit, t0 + 10_000);
    expect(await store.guesses.wait("10.0.0.1", limit, t0 + 10_000)).toBe(10);
    // 30 s later the bucket is full again: another address's guess clears it from the table.
    await store.guesses.spend("10.0.0.2", limit, t0 + 41_000);
    expect(await store.guesses.wait("10.0.0.1", limit, t0 + 41_000)).toBe(0);
    expect(await store.guesses.wait("10.0.0.2", limit, t0 + 41_000)).toBe(0);
  });

  // Two pools of one process stand for two server processes on PostgreSQL. (Two SQLite connections in
  // one process would block each other's thread in the busy wait; SQLite processes take turns on the file.)
  it.runIf(database.dialect === "postgres")(
    "counts every guess two processes spend at the same moment",
    async () => {
      const config = database.fresh();
      const a = await openStore(config);
      const b = await openStore(config);
      stores.push(a, b);
      const wide = { perMinute: 1, burst: 20 };
      const t = 1_800_000_000_000;
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).guesses.spend("10.0.0.9", wide, t)),
      );
      // Twenty spent of twenty: none lost to a race, so the next has to wait a whole refill.
      expect(await a.guesses.wait("10.0.0.9", wide, t)).toBe(60);
    },
  );
});
