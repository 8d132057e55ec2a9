import type { Store, DueDelivery, SigningEndpoint } from "@ledgerlink/store";
import { retryDelayMs, retryPolicy } from "./retry-schedule.js";
import {
  eventIdHeader,
  eventTypeHeader,
  signatureHeader,
  signPayload,
  timestampHeader,
} from "./webhook-signature.js";

/** Opens an endpoint's sealed signing secret (the connection service's sealing, see webhook-secrets.ts). */
export type SecretOpener = (companyId: string, sealed: string) => Promise<string>;

export interface DeliverOptions {
  store: Store;
  openSecret: SecretOpener;
  /** Now (injected: tests move time instead of sleeping). */
  now: () => Date;
  fetch?: typeof fetch;
  /** For the back-off's jitter, in [0, 1). */
  random?: () => number;
  /** One attempt's time limit (default 10 s). */
  timeoutMs?: number;
  /** Companies to look at (default: all). */
  companyIds?: readonly string[];
  /** Deliveries looked at per company per call (default 100). */
  batch?: number;
  /** Attempts in flight at once (default 8). */
  concurrency?: number;
}

export interface DeliverReport {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
  /** Attempts answered 410 Gone: the endpoint was turned off, its deliveries wait. */
  disabled: number;
}

/** How much of a receiver's answer the delivery log keeps. */
export const responseBodyLimit = 1000;

/**
 * Delivers what is due, once: for each company, the pending deliveries whose time has come (only the
 * oldest pending one per endpoint and subject, so a record's events keep their order), each claimed,
 * signed, posted, and its outcome logged — delivered on a 2xx, otherwise retried with back-off until
 * the last attempt. A plain function, so a job queue or a timer can run it; call again while it
 * reports attempts (the next event of a subject becomes due when the one before it is delivered).
 */
export async function deliverDueEvents(o: DeliverOptions): Promise<DeliverReport> {
  const report: DeliverReport = { attempted: 0, delivered: 0, retrying: 0, failed: 0, disabled: 0 };
  const companies = o.companyIds ?? (await o.store.listCompanies()).map((c) => c.id);
  for (const companyId of companies) {
    const outbound = o.store.company(companyId).outbound;
    const due = await outbound.dueDeliveries(o.now().toISOString(), o.batch ?? 100);
    const queue = [...due];
    // Endpoints that answered 410 in this pass: their other deliveries read with it are not tried.
    const gone = new Set<string>();
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        if (gone.has(next.endpoint.id)) continue;
        const outcome = await attempt(o, companyId, next);
        if (outcome === "disabled") gone.add(next.endpoint.id);
        if (outcome === "skipped") continue;
        report.attempted++;
        report[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 8, queue.length) }, worker));
  }
  return report;
}

async function attempt(
  o: DeliverOptions,
  companyId: string,
  { delivery, event, endpoint }: DueDelivery,
): Promise<"delivered" | "retrying" | "failed" | "disabled" | "skipped"> {
  const outbound = o.store.company(companyId).outbound;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const startedAt = o.now();
  // Claimed for longer than an attempt can take: another deliverer leaves it alone meanwhile.
  if (!(await outbound.claim(delivery, new Date(startedAt.getTime() + timeoutMs + 60_000).toISOString())))
    return "skipped";
  const body = JSON.stringify(event);
  const timestamp = Math.floor(startedAt.getTime() / 1000);
  let statusCode: number | null = null;
  let error: string | null = null;
  let responseBody: string | null = null;
  const t0 = performance.now();
  try {
    const signature = await signatures(o, companyId, endpoint, timestamp, body, startedAt);
    const res = await (o.fetch ?? fetch)(endpoint.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Ledgerlink-Webhooks/1",
        [eventIdHeader]: event.id,
        [eventTypeHeader]: event.type,
        [timestampHeader]: String(timestamp),
        [signatureHeader]: signature,
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    statusCode = res.status;
    responseBody = (await res.text().catch(() => "")).slice(0, responseBodyLimit);
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (err) {
    error = describe(err);
  }
  const ok = error === null;
  const number = delivery.attempts + 1;
  // 410 Gone: the receiver says this URL is not coming back. Retrying would only knock on a closed
  // door, so the endpoint is turned off (with the reason shown) and the delivery waits, pending, for
  // a person to fix the URL or enable it again.
  const gone = statusCode === 410;
  const next = gone
    ? ({ state: "pending", retryAt: o.now().toISOString() } as const)
    : ok
      ? ({ state: "delivered" } as const)
      : number >= retryPolicy.maxAttempts
        ? ({ state: "failed" } as const)
        : ({
            state: "pending",
            retryAt: new Date(o.now().getTime() + retryDelayMs(number, o.random)).toISOString(),
          } as const);
  await outbound.recordAttempt(
    delivery,
    {
      at: startedAt.toISOString(),
      durationMs: Math.max(0, Math.round(performance.now() - t0)),
      statusCode,
      ok,
      error,
      responseBody,
    },
    next,
    gone
      ? {
          reason: `${endpoint.url} answered 410 Gone at ${startedAt.toISOString()}: deliveries stopped; fix the URL or enable the endpoint again to resume`,
        }
      : undefined,
  );
  if (gone) return "disabled";
  return next.state === "pending" ? "retrying" : next.state;
}

/** The current secret's signature, and the previous secret's while a rotation's grace period lasts. */
async function signatures(
  o: DeliverOptions,
  companyId: string,
  endpoint: SigningEndpoint,
  timestamp: number,
  body: string,
  now: Date,
): Promise<string> {
  const out = [signPayload(await o.openSecret(companyId, endpoint.sealedSecret), timestamp, body)];
  if (
    endpoint.previousSealedSecret !== null &&
    endpoint.previousSecretUntil !== null &&
    endpoint.previousSecretUntil > now.toISOString()
  )
    out.push(signPayload(await o.openSecret(companyId, endpoint.previousSealedSecret), timestamp, body));
  return out.join(",");
}

/** Why no answer came, in words for the delivery log (never the secret or the body). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === "TimeoutError") return "timed out";
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ""}`.slice(0, 300);
  return `${err.name}: ${err.message}`.slice(0, 300);
}
