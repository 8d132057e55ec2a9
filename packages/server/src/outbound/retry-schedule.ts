/**
 * When a failed delivery is tried again: exponential back-off (30 s doubling, capped at 6 hours) with
 * "equal jitter" — half the delay fixed, half random — so receivers coming back from an outage are not
 * hit by every sender at the same instant. After `maxAttempts` the delivery is failed (redeliver by hand).
 */
export const retryPolicy = { baseMs: 30_000, capMs: 6 * 3600_000, maxAttempts: 16 } as const;

/** Delay after the `attempt`-th failed attempt (1-based); `random` in [0, 1). */
export function retryDelayMs(
  attempt: number,
  random: () => number = Math.random,
  policy: { baseMs: number; capMs: number } = retryPolicy,
): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
