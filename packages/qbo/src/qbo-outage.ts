import type { QboOutage } from "@ledgerlink/core";
import { QboError, QboNetworkError, QboRateLimitError } from "./qbo-error.js";
import { retryableStatuses } from "./retry-policy.js";

/**
 * What QuickBooks did when a call failed for good without an answer of its own: a 5xx (or another
 * status the client retries), a timeout, a refused or broken connection, throttling that outlived the
 * retries. Undefined when QBO did answer (a fault about the record, an auth refusal) or for a non-QBO error.
 */
export function qboOutageOf(err: unknown): QboOutage | undefined {
  if (!(err instanceof QboError)) return undefined;
  const attempts = err.attempts;
  if (err instanceof QboRateLimitError) return { kind: "throttled", attempts };
  if (err instanceof QboNetworkError) {
    if (err.timedOut) return { kind: "timeout", timeoutMs: err.timeoutMs ?? 120_000, attempts };
    return err.refused ? { kind: "refused", attempts } : { kind: "network", attempts };
  }
  if (err.status !== undefined && (err.status >= 500 || retryableStatuses.has(err.status)))
    return { kind: "status", status: err.status, attempts };
  return undefined;
}
