import { describe, expect, it } from "vitest";
import { SharedRateLimiter, sharedBudgetIntervals, type SharedRateBudget } from "./rate-limiter-shared.js";

/**
 * A budget with the pacing row's rules (one start per interval, a batch also one per batch interval, at
 * most maxInFlight slots) kept in memory on a manual clock: the limiter's sleeps advance the clock, so
 * nothing here really waits.
 */
function pacedBudget(limits: ReturnType<typeof sharedBudgetIntervals>) {
  const clock = { now: 0 };
  let nextRequest = 0;
  let nextBatch = 0;
  const slots = new Set<string>();
  let seq = 0;
  const starts: { at: number; kind: string }[] = [];
  const budget: SharedRateBudget = {
    acquire(kind) {
      if (clock.now < nextRequest)
        return Promise.resolve({ granted: false, retryInMs: nextRequest - clock.now });
      if (kind === "batch" && clock.now < nextBatch)
        return Promise.resolve({ granted: false, retryInMs: nextBatch - clock.now });
      if (slots.size >= limits.maxInFlight) return Promise.resolve({ granted: false, retryInMs: 20 });
      nextRequest = clock.now + limits.requestIntervalMs;
      if (kind === "batch") nextBatch = clock.now + limits.batchIntervalMs;
      const id = `s${++seq}`;
      slots.add(id);
      starts.push({ at: clock.now, kind });
      return Promise.resolve({ granted: true, slotId: id });
    },
    release(id) {
      slots.delete(id);
      return Promise.resolve();
    },
  };
  // Sleeps of concurrent callers overlap: each is a timer, and `run` moves the clock to the next one.
  let timers: { at: number; wake: () => void }[] = [];
  const sleep = (ms: number) =>
    new Promise<void>((wake) => {
      timers.push({ at: clock.now + ms, wake });
    });
  const settle = () => new Promise<void>((r) => setImmediate(r));
  const run = async (work: Promise<unknown>) => {
    let done = false;
    void work.finally(() => (done = true));
    for (;;) {
      await settle();
      if (done) return;
      const next = timers.reduce<(typeof timers)[number] | undefined>(
        (a, t) => (a && a.at <= t.at ? a : t),
        undefined,
      );
      if (!next) throw new Error("callers wait with no timer set");
      timers = timers.filter((t) => t !== next);
      clock.now = next.at;
      next.wake();
    }
  };
  return { budget, sleep, run, starts, clock, slots };
}

const maxInWindow = (times: number[], ms: number) => {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= ms) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
};

describe("sharedBudgetIntervals", () => {
  it("paces QBO's limits with 2% headroom: 490 requests and 39 batch calls a minute, 10 in flight", () => {
    const l = sharedBudgetIntervals();
    expect(l.requestIntervalMs).toBeCloseTo(60_000 / 489, 6);
    expect(l.batchIntervalMs).toBeCloseTo(60_000 / 38, 6); // floor(40 × 0.98) = 39 starts a minute: 38 gaps
    expect(l.maxInFlight).toBe(10);
  });

  it("shrinks with the emulator's time scale, and never paces faster than 10 a second", () => {
    const l = sharedBudgetIntervals({ timeScale: 10 });
    expect(l.requestIntervalMs).toBeCloseTo(6_000 / 489, 6);
    const fast = sharedBudgetIntervals({ requestsPerMinute: 100_000 });
    expect(fast.requestIntervalMs).toBe(100); // the 10/s limit takes over
  });
});

describe("SharedRateLimiter", () => {
  it("sleeps exactly as long as the budget says, then takes the slot; a release frees it once", async () => {
    const answers = [
      { granted: false as const, retryInMs: 120 },
      { granted: false as const, retryInMs: 35 },
      { granted: true as const, slotId: "slot-1" },
    ];
    const released: string[] = [];
    const sleeps: number[] = [];
    const limiter = new SharedRateLimiter(
      {
        acquire: () => Promise.resolve(answers.shift()!),
        release: (id) => {
          released.push(id);
          return Promise.resolve();
        },
      },
      (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    );
    const release = await limiter.acquire("request");
    expect(sleeps).toEqual([120, 35]);
    expect(answers).toEqual([]);
    release();
    release();
    await Promise.resolve();
    expect(released).toEqual(["slot-1"]);
  });

  it("never spins: a refusal with no wait still sleeps 1 ms", async () => {
    const answers = [
      { granted: false as const, retryInMs: 0 },
      { granted: true as const, slotId: "s" },
    ];
    const sleeps: number[] = [];
    const limiter = new SharedRateLimiter(
      { acquire: () => Promise.resolve(answers.shift()!), release: () => Promise.resolve() },
      (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    );
    await limiter.acquire("batch");
    expect(sleeps).toEqual([1]);
  });

  it("a release that fails is reported, not thrown (the slot expires by itself)", async () => {
    const errors: unknown[] = [];
    const limiter = new SharedRateLimiter(
      {
        acquire: () => Promise.resolve({ granted: true, slotId: "s" }),
        release: () => Promise.reject(new Error("database gone")),
      },
      () => Promise.resolve(),
      (err) => errors.push(err),
    );
    const release = await limiter.acquire("request");
    expect(() => release()).not.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe("database gone");
  });

  it("paced by the budget, 20 callers at once stay within every QBO window over ten minutes", async () => {
    const b = pacedBudget(sharedBudgetIntervals());
    const limiter = new SharedRateLimiter(b.budget, b.sleep);
    const end = 10 * 60_000;
    // Each caller: calls that take 300 ms; two of them send batch calls (like a run's batch lanes).
    const caller = async (n: number) => {
      while (b.clock.now < end) {
        const release = await limiter.acquire(n < 2 ? "batch" : "request");
        await b.sleep(300);
        release();
      }
    };
    await b.run(Promise.all(Array.from({ length: 20 }, (_, n) => caller(n))));
    const all = b.starts.map((s) => s.at);
    const batches = b.starts.filter((s) => s.kind === "batch").map((s) => s.at);
    expect(maxInWindow(all, 60_000)).toBeLessThanOrEqual(490);
    expect(maxInWindow(all, 1_000)).toBeLessThanOrEqual(10);
    expect(maxInWindow(batches, 60_000)).toBeLessThanOrEqual(39);
    // And it is not idle: requests run close to the paced rate.
    expect(all.filter((t) => t < end).length).toBeGreaterThan(10 * 450);
    expect(b.slots.size).toBe(0);
  });
});
