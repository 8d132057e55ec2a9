/** A token bucket's size and refill: `burst` tokens at most, `perMinute` added each minute. */
export interface TokenBucketLimit {
  perMinute: number;
  burst: number;
}

/** The tokens a bucket holds `elapsedMs` after it held `tokens`: never more than the burst. */
export function refilledTokens(tokens: number, elapsedMs: number, limit: TokenBucketLimit): number {
  return Math.min(limit.burst, tokens + (Math.max(0, elapsedMs) * limit.perMinute) / 60_000);
}

/** Seconds until a bucket holding `tokens` has one to give (0: now). */
export function secondsUntilToken(tokens: number, limit: TokenBucketLimit): number {
  return tokens >= 1 ? 0 : Math.max(1, Math.ceil(((1 - tokens) * 60) / limit.perMinute));
}
