export interface Limits {
  /** Requests per realm per (emulated) minute; QBO: 500. */
  requestsPerMinute: number;
  /** Requests in flight at once per realm; QBO's older guidance: 10. */
  concurrent: number;
  /** Batch calls per realm per (emulated) minute; QBO: 40. */
  batchPerMinute: number;
}

export const QBO_LIMITS: Limits = { requestsPerMinute: 500, concurrent: 10, batchPerMinute: 40 };

const MINUTE_MS = 60_000;

/** A sliding one-minute window of admission times, on the emulated clock. */
class MinuteWindow {
  private times: number[] = [];
  private head = 0;

  count(nowMs: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= nowMs - MINUTE_MS) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(nowMs: number): void {
    this.times.push(nowMs);
  }

  reset(): void {
    this.times = [];
    this.head = 0;
  }
}

/** Per-realm throttle state. Only admitted requests count, so a client that backs off recovers. */
export class ThrottleState {
  private readonly requests = new MinuteWindow();
  private readonly batches = new MinuteWindow();
  inFlight = 0;

  /** Admits the request (and counts it) or says which limit it hit. */
  admit(nowMs: number, limits: Limits, isBatch: boolean): "ok" | "rate" | "concurrency" | "batch" {
    if (this.inFlight >= limits.concurrent) return "concurrency";
    if (this.requests.count(nowMs) >= limits.requestsPerMinute) return "rate";
    if (isBatch && this.batches.count(nowMs) >= limits.batchPerMinute) return "batch";
    this.requests.add(nowMs);
    if (isBatch) this.batches.add(nowMs);
    return "ok";
  }

  reset(): void {
    this.requests.reset();
    this.batches.reset();
    this.inFlight = 0;
  }
}
