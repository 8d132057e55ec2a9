import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import { errorResponse, ApiError } from "../api-error.js";
import { principalOf } from "./principal.js";

export interface RateLimitSettings {
  /** Sustained requests per minute per API key or console user. */
  requestsPerMinute: number;
  /** How many may come at once before the sustained rate applies. */
  burst: number;
  /** Sign-ins and requests with a wrong key, per minute per client address (password and key guessing). */
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
    const rate = this.perMinute / 60_000;
    this.sweep(now, rate);
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }

  /** Takes nothing: would `take` refuse now? */
  exhausted(key: string): number {
    const b = this.buckets.get(key);
    if (!b) return 0;
    const rate = this.perMinute / 60_000;
    const tokens = Math.min(this.burst, b.tokens + (this.now() - b.at) * rate);
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / rate / 1000));
  }

  private sweep(now: number, rate: number) {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [k, b] of this.buckets)
      if (b.tokens + (now - b.at) * rate >= this.burst) this.buckets.delete(k);
  }
}

export interface RateLimits {
  principals: TokenBuckets;
  failures: TokenBuckets;
}

export function rateLimits(settings: RateLimitSettings, now: () => number = Date.now): RateLimits {
  return {
    principals: new TokenBuckets(settings.requestsPerMinute, settings.burst, now),
    failures: new TokenBuckets(settings.failuresPerMinute, settings.failuresPerMinute, now),
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
