import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { SyncRunSummary } from "@ledgerlink/core";
import type { JobQueue } from "../jobs/job-types.js";

/** QBO's accounting API lives under /v3/company/{realmId}/; OAuth under /oauth2 and /v2/oauth2. */
function isQboApiCall(input: string | URL | Request): boolean {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  try {
    return new URL(url).pathname.includes("/v3/company/");
  } catch {
    return true;
  }
}

/**
 * Prometheus metrics of one process (server or worker), served at /metrics. Rates (jobs/s, requests/s)
 * come from the counters with PromQL's rate(); queue depth is read from the queue at each scrape.
 */
export class LedgerlinkMetrics {
  readonly registry = new Registry();
  readonly qboRequests: Counter<"status">;
  readonly qboThrottled: Counter;
  readonly throttleWaitSeconds: Counter;
  readonly tokenRefreshFailures: Counter;
  readonly jobs: Counter<"job" | "outcome">;
  readonly jobDuration: Histogram<"job">;
  readonly runDuration: Histogram<"status" | "trigger">;
  private queue: JobQueue | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.qboRequests = new Counter({
      name: "ledgerlink_qbo_requests_total",
      help: "Requests sent to QuickBooks, by HTTP status (0: no answer)",
      labelNames: ["status"],
      registers,
    });
    this.qboThrottled = new Counter({
      name: "ledgerlink_qbo_throttled_total",
      help: "429 answers from QuickBooks (a limit was hit despite the shared rate budget)",
      registers,
    });
    this.throttleWaitSeconds = new Counter({
      name: "ledgerlink_qbo_throttle_wait_seconds_total",
      help: "Time sync runs spent waiting on the per-company QBO rate budget",
      registers,
    });
    this.tokenRefreshFailures = new Counter({
      name: "ledgerlink_token_refresh_failures_total",
      help: "Failures to get a QBO access token (refresh refused or QBO's token endpoint unreachable)",
      registers,
    });
    this.jobs = new Counter({
      name: "ledgerlink_jobs_total",
      help: "Jobs finished, by job and outcome (ok, failed)",
      labelNames: ["job", "outcome"],
      registers,
    });
    this.jobDuration = new Histogram({
      name: "ledgerlink_job_duration_seconds",
      help: "Job run time",
      labelNames: ["job"],
      buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900],
      registers,
    });
    this.runDuration = new Histogram({
      name: "ledgerlink_sync_run_duration_seconds",
      help: "Sync run (or run slice) duration, by final status and trigger",
      labelNames: ["status", "trigger"],
      buckets: [0.5, 2, 10, 30, 60, 300, 900, 3600],
      registers,
    });
    const queueOf = (): JobQueue | undefined => this.queue;
    new Gauge({
      name: "ledgerlink_queue_depth",
      help: "Jobs in the queue by job and state (waiting, active)",
      labelNames: ["job", "state"],
      registers,
      async collect() {
        const queue = queueOf();
        if (!queue) return;
        try {
          const depth = await queue.depth();
          for (const [job, d] of Object.entries(depth)) {
            this.set({ job, state: "waiting" }, d.waiting);
            this.set({ job, state: "active" }, d.active);
          }
        } catch {
          // An unreachable queue shows as missing samples; /api/ready says why.
        }
      },
    });
  }

  /** Queue depth is read from this queue at each scrape. */
  watchQueue(queue: JobQueue): void {
    this.queue = queue;
  }

  /**
   * `fetch` that counts every QBO API answer by status (and 429s on their own). OAuth calls (token
   * refresh, revocation) go through the same fetch but are not API requests: QBO's limits do not count
   * them, so neither does this counter (failed refreshes have their own counter).
   */
  instrumentFetch(inner: typeof fetch = globalThis.fetch): typeof fetch {
    return async (input, init) => {
      if (!isQboApiCall(input)) return inner(input, init);
      try {
        const res = await inner(input, init);
        this.qboRequests.inc({ status: String(res.status) });
        if (res.status === 429) this.qboThrottled.inc();
        return res;
      } catch (err) {
        this.qboRequests.inc({ status: "0" });
        throw err;
      }
    };
  }

  runFinished(run: SyncRunSummary): void {
    const ms = run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : 0;
    this.runDuration.observe({ status: run.status, trigger: run.trigger }, Math.max(0, ms) / 1000);
    this.throttleWaitSeconds.inc(run.throttleWaitMs / 1000);
  }

  async text(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
