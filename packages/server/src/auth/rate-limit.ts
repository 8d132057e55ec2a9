import { getConnInfo } from "@hono/node-server/conninfo";
import { refilledTokens, secondsUntilToken } from "@ledgerlink/core";
import type { GuessBucketStore } from "@ledgerlink/store";
import type { Context, MiddlewareHandler } from "hono";
import { errorResponse, ApiError } from "../api-error.js";
import { principalOf } from "./principal.js";

export interface RateLimitSettings {
  /** Sustained requests per minute per API key or console user. */
  requestsPerMinute: number;
  /** How many may come at once before the sustained rate applies. */
  burst: number;
  /**
   * Sign-ins and requests with a wrong key, per minute per client address (password and key guessing),
   * counted across every server process on the database.
   */
  failuresPerMinute: number;
}

/**
 * Generous for an integrator's bulk upserts and a busy console (10 a second sustained, 600 at once);
 * tight for guessing (20 sign-ins or wrong keys a minute per address).
 */
export const defaultRateLimits: RateLimitSettings = {
  requestsPerMinute: 600,
  burst: 600,
  failuresPerMinute: 20,
};

/**
 * Token buckets in memory, one per key: each holds up to `burst` tokens and refills at `perMinute`.
 * Per process (a second server process has its own), which is enough to blunt a runaway client or a
 * guessing script; buckets that have refilled are dropped, so memory follows the active clients.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;
  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token: 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    const now = this.now();
    const limit = { perMinute: this.perMinute, burst: this.burst };
    this.sweep(now, this.perMinute / 60_000);
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = refilledTokens(b.tokens, now - b.at, limit);
    b.at = now;
    this.buckets.set(key, b);
    const wait = secondsUntilToken(b.tokens, limit);
    if (wait === 0) b.tokens -= 1;
    return wait;
  }

  private sweep(now: number, rate: number) {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [k, b] of this.buckets)
      if (b.tokens + (now - b.at) * rate >= this.burst) this.buckets.delete(k);
  }
}

/** Slows password and key guessing per client address: only failures spend from it. */
export interface GuessLimiter {
  /** Seconds until the address may guess again (0: now); spends nothing. */
  wait(address: string): Promise<number>;
  /** Spends one guess (a failed sign-in or password check, a wrong key). */
  spend(address: string): Promise<void>;
}

export interface RateLimits {
  principals: TokenBuckets;
  failures: GuessLimiter;
}

/**
 * The request buckets live in this process's memory (a request with a good key or session must not
 * wait on a database write); the guessing buckets live in the store, so every server process behind a
 * load balancer spends from the same one per address.
 */
export function rateLimits(
  settings: RateLimitSettings,
  guesses: GuessBucketStore,
  now: () => number = Date.now,
): RateLimits {
  const limit = { perMinute: settings.failuresPerMinute, burst: settings.failuresPerMinute };
  return {
    principals: new TokenBuckets(settings.requestsPerMinute, settings.burst, now),
    failures: {
      wait: (address) => guesses.wait(address, limit, now()),
      spend: (address) => guesses.spend(address, limit, now()),
    },
  };
}

/** The client's address as the socket reports it (not X-Forwarded-For, which a client can write). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // in-process requests (app.request) have no socket
  }
}

export function tooManyRequests(c: Context, retryAfterS: number): Response {
  const res = errorResponse(
    c,
    new ApiError(429, "rate_limited", `Too many requests; try again in ${retryAfterS} s`, { retryAfterS }),
  );
  res.headers.set("Retry-After", String(retryAfterS));
  return res;
}

/** 429 with Retry-After once the caller's API key or session has used its bucket. */
export function limitRequests(limits: RateLimits): MiddlewareHandler {
  return async (c, next) => {
    const p = principalOf(c);
    if (p) {
      const wait = limits.principals.take(`${p.kind}:${p.id}`);
      if (wait > 0) return tooManyRequests(c, wait);
    }
    return next();
  };
}
