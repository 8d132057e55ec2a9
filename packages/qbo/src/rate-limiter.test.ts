import { describe, expect, it } from "vitest";
import {
  CompanyRateLimiters,
  WindowRateLimiter,
  type LimiterTimers,
  type ReleaseSlot,
} from "./rate-limiter.js";

/** A manual clock: timers fire only when the test advances time. */
function manualTimers() {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  const t: LimiterTimers & { advance(ms: number): Promise<void>; readonly now_: number } = {
    now: () => now,
    setTimer(fn, ms) {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return () => {
        timers = timers.filter((x) => x !== timer);
      };
    },
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        const next = timers.filter((x) => x.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        timers = timers.filter((x) => x !== next);
        now = next.at;
        next.fn();
        await flush();
      }
      now = until;
      await flush();
    },
    get now_() {
      return now;
    },
  };
  return t;
}

const flush = () => new Promise<void>((r) => setImmediate(r));

/** Starts n acquisitions and reports which have been granted so far. */
function start(l: WindowRateLimiter, n: number, kind: "request" | "batch" = "request") {
  const granted: ReleaseSlot[] = [];
  for (let i = 0; i < n; i++) void l.acquire(kind).then((r) => granted.push(r));
  return granted;
}

describe("WindowRateLimiter", () => {
  it("holds the number in flight at maxConcurrent", async () => {
    const t = manualTimers();
    const l = new WindowRateLimiter(
      { maxConcurrent: 3, requestsPerSecond: 100, headroom: 0, burst: 1000 },
      t,
    );
    const granted = start(l, 5);
    await flush();
    expect(granted).toHaveLength(3);
    expect(l.waiting).toBe(2);
    granted[0]!();
    granted[0]!(); // a second release of the same slot is ignored
    await flush();
    expect(granted).toHaveLength(4);
  });

  it("keeps under requests/minute with headroom, counting a call until a minute after its response", async () => {
    const t = manualTimers();
    const l = new WindowRateLimiter(
      { requestsPerMinute: 100, requestsPerSecond: 1000, maxConcurrent: 1000, headroom: 0.05, burst: 1000 },
      t,
    );
    const granted = start(l, 120);
    await flush();
    expect(granted).toHaveLength(95); // 100 × (1 − 0.05)
    await t.advance(10_000);
    for (const r of granted.splice(0)) r(); // responses arrive at t = 10 s
    await t.advance(59_000);
    expect(granted).toHaveLength(0); // still inside the minute since those responses
    await t.advance(1_001);
    expect(granted).toHaveLength(25);
  });

  it("spreads a burst over the per-second window", async () => {
    const t = manualTimers();
    const l = new WindowRateLimiter(
      { requestsPerSecond: 10, headroom: 0, maxConcurrent: 100, burst: 1000 },
      t,
    );
    const granted = start(l, 25);
    await flush();
    expect(granted).toHaveLength(10);
    for (const r of granted) r();
    await t.advance(1_001);
    expect(granted).toHaveLength(20);
  });

  it("measures the per-second window from each call's start, so latency does not eat the rate", async () => {
    const t = manualTimers();
    const l = new WindowRateLimiter(
      { requestsPerSecond: 10, headroom: 0, maxConcurrent: 100, burst: 1000 },
      t,
    );
    const granted = start(l, 20);
    await flush();
    await t.advance(300); // a 300 ms round trip
    for (const r of granted) r();
    await t.advance(701); // one second after the starts, not after the responses
    expect(granted).toHaveLength(20);
  });

  it("counts batch calls against both the batch and the request limits, without blocking plain requests", async () => {
    const t = manualTimers();
    const l = new WindowRateLimiter(
      { batchesPerMinute: 2, requestsPerMinute: 5, requestsPerSecond: 100, headroom: 0, burst: 1000 },
      t,
    );
    const batches = start(l, 3, "batch");
    await flush();
    expect(batches).toHaveLength(2);
    const plain = start(l, 5);
    await flush();
    expect(plain).toHaveLength(3); // 5/min minus the 2 batch calls
    expect(l.waiting).toBe(3);
  });

  it("scales its windows with the emulator's time scale", async () => {
    const t = manualTimers();
    const l = new WindowRateLimiter(
      { requestsPerMinute: 10, requestsPerSecond: 100, timeScale: 60, headroom: 0, burst: 1000 },
      t,
    );
    const granted = start(l, 11);
    await flush();
    for (const r of granted.splice(0)) r();
    await t.advance(1_001); // one scaled minute
    expect(granted).toHaveLength(1);
  });

  it("allows a burst, then paces starts evenly at the per-minute rate", async () => {
    const t = manualTimers();
    const l = new WindowRateLimiter(
      { requestsPerMinute: 600, requestsPerSecond: 1000, maxConcurrent: 1000, headroom: 0, burst: 5 },
      t,
    );
    const granted = start(l, 20);
    await flush();
    expect(granted).toHaveLength(5);
    await t.advance(101); // 600/min = one start per 100 ms (the limiter wakes 1 ms late, on purpose)
    expect(granted).toHaveLength(6);
    await t.advance(1000);
    expect(granted.length).toBeGreaterThanOrEqual(15);
    expect(granted.length).toBeLessThanOrEqual(16);
  });

  it("rejects nonsensical limits, naming them", () => {
    expect(() => new WindowRateLimiter({ requestsPerMinute: 0 })).toThrow(/requestsPerMinute/);
    expect(() => new WindowRateLimiter({ headroom: 1 })).toThrow(/headroom/);
  });

  it("gives each company its own limiter", () => {
    const c = new CompanyRateLimiters();
    expect(c.for("a")).toBe(c.for("a"));
    expect(c.for("a")).not.toBe(c.for("b"));
  });
});
