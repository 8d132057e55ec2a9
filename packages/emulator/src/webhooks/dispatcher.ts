import type { EmulatorClock } from "../clock.js";
import type { ChangeEvent, Realm } from "../realm.js";
import { cloudEventsPayload, legacyPayload } from "./payloads.js";
import { signWebhookPayload } from "./signature.js";

export interface WebhookConfig {
  /** Where notifications are POSTed (a loopback URL in tests). */
  url: string;
  /** The app's verifier token: the HMAC key of `intuit-signature`. */
  verifierToken: string;
  /** Default "legacy". */
  format?: "legacy" | "cloudevents" | "both";
  /** Attempts per notification before giving up (default 5). */
  maxAttempts?: number;
  /** First retry delay in emulated ms, doubling each attempt (default 60 000, scaled by timeScale). */
  retryBaseMs?: number;
  /** Changes within this many emulated ms go out in one notification (default 0: the same tick). */
  batchWindowMs?: number;
}

export interface WebhookDelivery {
  format: "legacy" | "cloudevents";
  attempt: number;
  /** HTTP status, or 0 when the request failed. */
  status: number;
  error?: string;
  body: string;
  signature: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Queues change events and delivers them, signed, with retries and back-off on the emulated clock. */
export class WebhookDispatcher {
  private config: WebhookConfig | undefined;
  private queue: ChangeEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private pending = new Set<Promise<void>>();
  readonly deliveries: WebhookDelivery[] = [];

  constructor(
    private readonly clock: EmulatorClock,
    private readonly realms: ReadonlyMap<string, Realm>,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  configure(config: WebhookConfig | undefined): void {
    if (config) {
      new URL(config.url); // throws on a malformed URL, naming it
      if (!config.verifierToken) throw new Error("webhook verifierToken is required");
    }
    this.config = config;
  }

  get configuration(): WebhookConfig | undefined {
    return this.config;
  }

  enqueue(event: ChangeEvent): void {
    if (!this.config) return;
    this.queue.push(event);
    if (this.flushTimer) return;
    const wait = this.clock.toRealMs(this.config.batchWindowMs ?? 0);
    this.flushTimer = setTimeout(() => this.flush(), wait);
    this.flushTimer.unref?.();
  }

  private flush(): void {
    this.flushTimer = undefined;
    const config = this.config;
    const events = this.queue;
    this.queue = [];
    if (!config || events.length === 0) return;
    const format = config.format ?? "legacy";
    const stamp = (e: ChangeEvent): string =>
      this.realms.get(e.realmId)?.timestamp(e.timeMs) ?? new Date(e.timeMs).toISOString();
    if (format === "legacy" || format === "both")
      this.track(this.deliver(config, "legacy", JSON.stringify(legacyPayload(events, stamp))));
    if (format === "cloudevents" || format === "both")
      this.track(
        this.deliver(config, "cloudevents", JSON.stringify(cloudEventsPayload(events, "intuit.emulator"))),
      );
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async deliver(
    config: WebhookConfig,
    format: "legacy" | "cloudevents",
    body: string,
  ): Promise<void> {
    const signature = signWebhookPayload(body, config.verifierToken);
    const maxAttempts = config.maxAttempts ?? 5;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const record: WebhookDelivery = { format, attempt, status: 0, body, signature };
      try {
        const res = await this.fetchImpl(config.url, {
          method: "POST",
          headers: {
            "content-type":
              format === "cloudevents" ? "application/cloudevents-batch+json" : "application/json",
            "intuit-signature": signature,
          },
          body,
          // Intuit expects an answer within 3 s.
          signal: AbortSignal.timeout(Math.max(50, this.clock.toRealMs(3000))),
        });
        record.status = res.status;
        await res.body?.cancel();
      } catch (err) {
        record.error = err instanceof Error ? err.message : String(err);
      }
      this.deliveries.push(record);
      if (record.status >= 200 && record.status < 300) return;
      if (attempt < maxAttempts)
        await sleep(this.clock.toRealMs((config.retryBaseMs ?? 60_000) * 2 ** (attempt - 1)));
    }
  }

  /** Resolves when everything queued so far has been delivered or given up on (for tests). */
  async idle(): Promise<void> {
    while (this.flushTimer || this.pending.size > 0) {
      if (this.flushTimer) await sleep(1);
      await Promise.all([...this.pending]);
    }
  }
}
