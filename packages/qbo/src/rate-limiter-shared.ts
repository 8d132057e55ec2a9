import {
  qboRateLimits,
  type CallKind,
  type RateLimiter,
  type RateLimits,
  type ReleaseSlot,
} from "./rate-limiter.js";

/** A budget kept outside this process (a database row per company), shared by every worker. */
export interface SharedRateBudget {
  acquire(kind: CallKind): Promise<{ granted: true; slotId: string } | { granted: false; retryInMs: number }>;
  release(slotId: string): Promise<void>;
}

/**
 * Pacing that holds QBO's windows without counting them: starts at least `requestIntervalMs` apart
 * never exceed floor(W / interval) + 1 in any window W, so an interval of one minute over (limit − 1)
 * keeps every sliding minute at or under the limit, and every second at or under 10 (500/min paced is
 * 8.3/s). Headroom then absorbs the spread between when we start a call and when QBO counts it.
 */
export function sharedBudgetIntervals(limits: Partial<RateLimits> = {}): {
  requestIntervalMs: number;
  batchIntervalMs: number;
  maxInFlight: number;
} {
  const l = { ...qboRateLimits, ...limits };
  const minute = 60_000 / l.timeScale;
  const cap = (n: number) => Math.max(2, Math.floor(n * (1 - l.headroom)));
  return {
    requestIntervalMs: Math.max(
      minute / (cap(l.requestsPerMinute) - 1),
      1_000 / l.timeScale / l.requestsPerSecond,
    ),
    batchIntervalMs: minute / (cap(l.batchesPerMinute) - 1),
    maxInFlight: Math.floor(l.maxConcurrent),
  };
}

/**
 * The RateLimiter port over a shared budget: asks for a slot, sleeps exactly as long as the budget
 * says when refused, and frees the slot when the call is done. A release that fails is not retried:
 * the slot expires by itself.
 */
export class SharedRateLimiter implements RateLimiter {
  constructor(
    private readonly budget: SharedRateBudget,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly onReleaseError: (err: unknown) => void = () => undefined,
  ) {}

  async acquire(kind: CallKind): Promise<ReleaseSlot> {
    for (;;) {
      const answer = await this.budget.acquire(kind);
      if (answer.granted) {
        let released = false;
        return () => {
          if (released) return;
          released = true;
          this.budget.release(answer.slotId).catch(this.onReleaseError);
        };
      }
      await this.sleep(Math.max(1, answer.retryInMs));
    }
  }
}
