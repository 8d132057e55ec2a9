import type { CallKind, RateLimiter, ReleaseSlot } from "./rate-limiter.js";

/** Adds up how long calls waited for a slot: a sync run reports it as its `throttleWaitMs`. */
export class ThrottleMeter {
  waitedMs = 0;
  calls = 0;
}

/** The limiter, with every wait for a slot counted on `meter` (and told to `onWait`, e.g. metrics). */
export function meteredLimiter(
  limiter: RateLimiter,
  meter: ThrottleMeter,
  now: () => number = () => performance.now(),
): RateLimiter {
  return {
    async acquire(kind: CallKind): Promise<ReleaseSlot> {
      const started = now();
      const release = await limiter.acquire(kind);
      meter.waitedMs += now() - started;
      meter.calls++;
      return release;
    },
  };
}
