import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  QboAuthError,
  QboFaultError,
  QboInputError,
  QboNetworkError,
  QboRateLimitError,
  QboUnexpectedResponseError,
} from "./qbo-error.js";
import { backoff, decide } from "./retry-policy.js";

const fixed = (r: number) => ({ random: () => r });
const fault = (status: number, code = "x") => new QboFaultError({ message: "m", code, status });

describe("decide", () => {
  it("retries 408, 429, 500, 502, 503, 504 and network errors", () => {
    for (const s of [408, 500, 502, 503, 504]) expect(decide(fault(s), 1, fixed(0)).retry).toBe(true);
    expect(decide(new QboUnexpectedResponseError({ message: "m", status: 502 }), 1).retry).toBe(true);
    expect(decide(new QboRateLimitError({ message: "m", status: 429 }), 1).retry).toBe(true);
    expect(decide(new QboNetworkError({ message: "m" }), 1).retry).toBe(true);
    expect(decide(new QboNetworkError({ message: "m", timedOut: true }), 1).reason).toMatch(/timed out/);
  });

  it("does not retry validation faults, auth failures, bad input or unknown errors", () => {
    expect(decide(fault(400, "6240"), 1)).toEqual({
      retry: false,
      delayMs: 0,
      reason: "not retryable (QboFaultError 6240)",
    });
    expect(decide(new QboAuthError({ message: "m", reason: "needs-reconnect", status: 401 }), 1).retry).toBe(
      false,
    );
    expect(decide(new QboInputError("bad", "Id"), 1).retry).toBe(false);
    expect(decide(new Error("boom"), 1).retry).toBe(false);
  });

  it("backs off exponentially with equal jitter, capped", () => {
    const o = { baseDelayMs: 500, maxDelayMs: 8000 };
    expect(
      [1, 2, 3, 4, 5, 6].map(
        (a) => decide(fault(503), a, { ...o, maxAttempts: 10, random: () => 0 }).delayMs,
      ),
    ).toEqual([250, 500, 1000, 2000, 4000, 4000]);
    expect(decide(fault(503), 3, { ...o, random: () => 0.999999 }).delayMs).toBe(1999);
  });

  it("keeps every delay inside [step/2, step]", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (attempt, r) => {
          const d = backoff(attempt, { baseDelayMs: 100, maxDelayMs: 30_000, random: () => r });
          const step = Math.min(30_000, 100 * 2 ** (attempt - 1));
          expect(d).toBeGreaterThanOrEqual(Math.floor(step / 2));
          expect(d).toBeLessThanOrEqual(step);
        },
      ),
    );
  });

  it("honours Retry-After, with bounded jitter, and falls back to the throttle pause", () => {
    const told = new QboRateLimitError({ message: "m", status: 429, retryAfterMs: 2000 });
    expect(decide(told, 1, fixed(0))).toMatchObject({ retry: true, delayMs: 2000 });
    expect(decide(told, 1, fixed(0.5)).delayMs).toBe(2000 + Math.floor(0.5 * 201));
    const silent = new QboRateLimitError({ message: "m", status: 429 });
    expect(decide(silent, 1, { random: () => 0, throttleDelayMs: 60_000 }).delayMs).toBe(60_000);
  });

  it("stops at maxAttempts, and resubmits SystemFault 10000 only once", () => {
    expect(decide(fault(503), 4, { maxAttempts: 5 }).retry).toBe(true);
    expect(decide(fault(503), 5, { maxAttempts: 5 })).toMatchObject({
      retry: false,
      reason: "HTTP 503; gave up after 5 attempts",
    });
    expect(decide(fault(500, "10000"), 1).retry).toBe(true);
    expect(decide(fault(500, "10000"), 2).retry).toBe(false);
  });

  it("retries a read that met SystemFault 10000 like any 5xx (only writes are resubmitted once)", () => {
    const read = { idempotent: true };
    expect(decide(fault(503, "10000"), 2, { maxAttempts: 5 }, read).retry).toBe(true);
    expect(decide(fault(503, "10000"), 4, { maxAttempts: 5 }, read).retry).toBe(true);
    expect(decide(fault(503, "10000"), 5, { maxAttempts: 5 }, read).retry).toBe(false);
    expect(decide(fault(503, "10000"), 2, { maxAttempts: 5 }, { idempotent: false }).retry).toBe(false);
  });
});
