/** What a call costs: every call is a request; a batch call also counts against the batch limit. */
export type CallKind = "request" | "batch";

/** Held while a call is in flight; call it once the response is in (or the call failed). */
export type ReleaseSlot = () => void;

/**
 * The port the client takes. The in-memory limiter below holds one process's calls; a limiter
 * shared by many workers (C8) implements the same port over the store.
 */
export interface RateLimiter {
  acquire(kind: CallKind): Promise<ReleaseSlot>;
}

export interface RateLimits {
  /** QBO: 500 requests/minute per realm. */
  requestsPerMinute: number;
  /** QBO: 10 requests/second per realm and app (older guidance: 10 concurrent). */
  requestsPerSecond: number;
  maxConcurrent: number;
  /** QBO: 40 batch calls/minute per realm and app. */
  batchesPerMinute: number;
  /**
   * Fraction of each windowed limit left unused, so clock differences between us and QBO never
   * tip a call over the line. 0.02 of 500/min keeps us at 490.
   */
  headroom: number;
  /** Divides the windows (a minute becomes 60 000 / timeScale ms) for the emulator's time scale. */
  timeScale: number;
  /**
   * Calls that may start back to back; beyond it, starts are paced evenly at the per-minute rate.
   * Without pacing a sliding window is used in bursts (the whole minute's quota at once, then
   * nothing), which wastes the gap between the burst and the window sliding on.
   */
  burst: number;
}

export const qboRateLimits: RateLimits = {
  requestsPerMinute: 500,
  requestsPerSecond: 10,
  maxConcurrent: 10,
  batchesPerMinute: 40,
  headroom: 0.02,
  timeScale: 1,
  burst: 20,
};

export interface LimiterTimers {
  now(): number;
  /** Returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const realTimers: LimiterTimers = {
  now: () => performance.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

interface Entry {
  startedAt: number;
  /** When the call's response came in; undefined while in flight. */
  doneAt: number | undefined;
}

interface Window {
  limit: number;
  ms: number;
  kinds: ReadonlySet<CallKind>;
  /** Where the window is measured from (see the class comment). */
  from: "response" | "start";
  entries: Entry[];
}

/** When a finished entry stops counting against a window. */
const expiry = (w: Window, e: Entry & { doneAt: number }): number =>
  w.from === "response" ? e.doneAt + w.ms : Math.max(e.startedAt + w.ms, e.doneAt);

interface Waiter {
  kind: CallKind;
  grant: (release: ReleaseSlot) => void;
}

/**
 * Keeps one company's calls just under QBO's limits instead of bouncing off 429s.
 *
 * Per-minute windows: a call occupies its slot from the moment it starts until a minute after its
 * response arrives. QBO counts it when the request reaches it, somewhere in between, so this can
 * never undercount whatever the network delay, and costs only latency/60 s of throughput.
 * The per-second window counts from the start instead (and while in flight): counting a second from
 * the response would cost a third of the throughput at a typical 300 ms latency, and the headroom
 * absorbs the uplink delay it does not see.
 * Starts are paced by a token bucket (`burst`) so the per-minute quota is spread, not spent at once.
 */
export class WindowRateLimiter implements RateLimiter {
  private readonly windows: Window[];
  private readonly maxConcurrent: number;
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private cancelTimer: (() => void) | undefined;
  private timerAt = Infinity;
  /** Token bucket for pacing: refills at the per-minute rate, holds at most `burst`. */
  private tokens: number;
  private readonly burst: number;
  private readonly ratePerMs: number;
  private refilledAt: number;

  constructor(
    limits: Partial<RateLimits> = {},
    private readonly timers: LimiterTimers = realTimers,
  ) {
    const l = { ...qboRateLimits, ...limits };
    for (const [k, v] of Object.entries(l)) {
      if (typeof v !== "number" || !(v >= 0) || (k !== "headroom" && v === 0)) {
        throw new RangeError(`rate limit ${k} must be a positive number, got ${String(v)}`);
      }
    }
    if (l.headroom >= 1) throw new RangeError(`rate limit headroom must be < 1, got ${l.headroom}`);
    const minute = 60_000 / l.timeScale;
    const second = 1_000 / l.timeScale;
    const cap = (n: number) => Math.max(1, Math.floor(n * (1 - l.headroom)));
    const all = new Set<CallKind>(["request", "batch"]);
    this.windows = [
      { limit: cap(l.requestsPerMinute), ms: minute, kinds: all, from: "response", entries: [] },
      { limit: cap(l.requestsPerSecond), ms: second, kinds: all, from: "start", entries: [] },
      {
        limit: cap(l.batchesPerMinute),
        ms: minute,
        kinds: new Set(["batch"]),
        from: "response",
        entries: [],
      },
    ];
    this.maxConcurrent = Math.floor(l.maxConcurrent);
    this.burst = Math.max(1, Math.floor(l.burst));
    this.tokens = this.burst;
    this.ratePerMs = cap(l.requestsPerMinute) / minute;
    this.refilledAt = timers.now();
  }

  acquire(kind: CallKind): Promise<ReleaseSlot> {
    return new Promise((resolve) => {
      this.queue.push({ kind, grant: resolve });
      this.pump();
    });
  }

  /** Calls waiting for a slot (for metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  private pump(): void {
    const now = this.timers.now();
    for (const w of this.windows) {
      w.entries = w.entries.filter(
        (e) => e.doneAt === undefined || expiry(w, { ...e, doneAt: e.doneAt }) > now,
      );
    }
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.ratePerMs);
    this.refilledAt = now;
    // In arrival order; a batch call held by the batch limit does not hold up plain requests.
    for (let i = 0; i < this.queue.length && this.inFlight < this.maxConcurrent && this.tokens >= 1;) {
      const waiter = this.queue[i]!;
      const applicable = this.windows.filter((w) => w.kinds.has(waiter.kind));
      if (applicable.some((w) => w.entries.length >= w.limit)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.tokens -= 1;
      const entry: Entry = { startedAt: now, doneAt: undefined };
      for (const w of applicable) w.entries.push(entry);
      this.inFlight++;
      let released = false;
      waiter.grant(() => {
        if (released) return;
        released = true;
        entry.doneAt = this.timers.now();
        this.inFlight--;
        this.pump();
      });
    }
    this.scheduleWake(now);
  }

  /** Wakes when the oldest finished entry of a full window ages out. */
  private scheduleWake(now: number): void {
    let wakeAt = Infinity;
    if (this.queue.length > 0 && this.inFlight < this.maxConcurrent) {
      if (this.tokens < 1) wakeAt = now + (1 - this.tokens) / this.ratePerMs;
      for (const w of this.windows) {
        if (w.entries.length < w.limit) continue;
        for (const e of w.entries)
          if (e.doneAt !== undefined) wakeAt = Math.min(wakeAt, expiry(w, { ...e, doneAt: e.doneAt }));
      }
    }
    if (wakeAt === this.timerAt) return;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerAt = wakeAt;
    if (wakeAt === Infinity) return;
    this.cancelTimer = this.timers.setTimer(
      () => {
        this.cancelTimer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, wakeAt - now) + 1,
    );
  }
}

/** One limiter per company (QBO's limits are per realm). */
export class CompanyRateLimiters {
  private readonly byCompany = new Map<string, RateLimiter>();

  constructor(
    private readonly limits: Partial<RateLimits> = {},
    private readonly timers: LimiterTimers = realTimers,
  ) {}

  for(companyId: string): RateLimiter {
    let l = this.byCompany.get(companyId);
    if (!l) {
      l = new WindowRateLimiter(this.limits, this.timers);
      this.byCompany.set(companyId, l);
    }
    return l;
  }
}
