import { QboError, QboNetworkError, QboRateLimitError } from "./qbo-error.js";

export interface RetryPolicyOptions {
  /** Total attempts including the first. */
  maxAttempts: number;
  /** First backoff step; doubles each attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Wait after a 429 that carries no Retry-After (Intuit says wait 60 s). */
  throttleDelayMs: number;
  /** In [0, 1); injected so delays are testable. */
  random: () => number;
}

export const defaultRetryPolicy: RetryPolicyOptions = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  throttleDelayMs: 60_000,
  random: Math.random,
};

export interface RetryDecision {
  retry: boolean;
  delayMs: number;
  reason: string;
}

/** HTTP statuses worth another try (what Intuit's own JS client retries). */
export const retryableStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Whether to try again after `err`, which ended attempt number `attempt` (1 = the first), and how
 * long to wait. Pure: all randomness comes from `options.random`. Writes are only retried because
 * the client puts a `requestid` on every one, so QBO answers a repeat from its cache.
 */
export function decide(
  err: unknown,
  attempt: number,
  options: Partial<RetryPolicyOptions> = {},
  /** A read (GET) changes nothing in QBO, so it may be repeated as often as the policy allows. */
  request: { idempotent: boolean } = { idempotent: false },
): RetryDecision {
  const o = { ...defaultRetryPolicy, ...options };
  const no = (reason: string): RetryDecision => ({ retry: false, delayMs: 0, reason });

  const why = retryReason(err);
  if (why === undefined)
    return no(
      err instanceof QboError
        ? `not retryable (${err.name} ${err.code ?? err.status ?? ""})`.trim()
        : "not retryable (unknown error)",
    );
  // QBO's guidance for SystemFault 10000 is to resubmit a write once, not to keep hammering. A read is
  // retried like any 5xx: giving up after two lost a whole sync's pull to two 503s in a row.
  const max =
    err instanceof QboError && err.code === "10000" && !request.idempotent
      ? Math.min(o.maxAttempts, 2)
      : o.maxAttempts;
  if (attempt >= max) return no(`${why}; gave up after ${attempt} attempts`);

  if (err instanceof QboRateLimitError) {
    const wait = err.retryAfterMs ?? o.throttleDelayMs;
    // A little jitter on top so workers told the same Retry-After do not return in lockstep.
    const jitter = Math.floor(o.random() * Math.min(1000, wait * 0.1 + 1));
    return {
      retry: true,
      delayMs: Math.min(o.maxDelayMs, wait) + jitter,
      reason: `${why}; waiting ${err.retryAfterMs === undefined ? "the default throttle pause" : "Retry-After"}`,
    };
  }
  return { retry: true, delayMs: backoff(attempt, o), reason: `${why}; backoff attempt ${attempt}` };
}

/** "Equal jitter" exponential backoff: half the step fixed, half random, capped. */
export function backoff(
  attempt: number,
  o: Pick<RetryPolicyOptions, "baseDelayMs" | "maxDelayMs" | "random">,
): number {
  const step = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(step / 2 + o.random() * (step / 2));
}

function retryReason(err: unknown): string | undefined {
  if (err instanceof QboRateLimitError) return "throttled (429)";
  if (err instanceof QboNetworkError) return err.timedOut ? "request timed out" : "network error";
  if (err instanceof QboError && err.status !== undefined && retryableStatuses.has(err.status)) {
    return `HTTP ${err.status}`;
  }
  return undefined;
}
