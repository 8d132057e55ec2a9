import { serve } from "@hono/node-server";
import { systemClock } from "@ledgerlink/core";
import { SharedRateLimiter, sharedBudgetIntervals, type RateLimiter } from "@ledgerlink/qbo";
import { dialectOf, openStore, type Store } from "@ledgerlink/store";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { hostId } from "../company-sync.js";
import type { Config } from "../config.js";
import { ConnectionService } from "../connection-service.js";
import { logger as processLogger, type Logger } from "../logger.js";
import { LedgerlinkMetrics } from "../metrics/metrics.js";
import { loadMetricsToken, registerOperationsRoutes } from "../metrics/operations-routes.js";
import { reportTransport } from "../reports/report-email.js";
import { jobHandlers, queueStalled } from "./job-handlers.js";
import { PgBossQueue } from "./pg-boss-queue.js";
import { WorkerSettingsError, type WorkerSettings } from "./worker-settings.js";

export class WorkerNeedsPostgresError extends Error {
  override readonly name = "WorkerNeedsPostgresError";
  constructor() {
    super(
      "ledgerlink worker needs PostgreSQL: set DATABASE_URL=postgres://user@host/db (with the embedded SQLite default, `ledgerlink serve` runs the jobs itself)",
    );
  }
}

export interface RunningWorker {
  /** This worker's name in leases and rate slots. */
  holder: string;
  metrics: LedgerlinkMetrics;
  /** `http://host:port` of /metrics and /api/ready, when METRICS_PORT was set. */
  metricsUrl: string | undefined;
  store: Store;
  queue: PgBossQueue;
  stop(): Promise<void>;
}

/** The rate limiter of a company's calls, drawn from the budget every worker shares in PostgreSQL. */
export function sharedLimiterFor(
  store: Store,
  holder: string,
  settings: Pick<WorkerSettings, "timeScale" | "headroom">,
  log: Logger,
): (companyId: string) => RateLimiter {
  const intervals = sharedBudgetIntervals({ timeScale: settings.timeScale, headroom: settings.headroom });
  // A slot outlives the longest call (QBO gives up at 120 s), so a crashed worker's slots expire.
  const limits = { ...intervals, slotTtlMs: 125_000 / settings.timeScale };
  const byCompany = new Map<string, RateLimiter>();
  return (companyId) => {
    let l = byCompany.get(companyId);
    if (!l) {
      l = new SharedRateLimiter(
        {
          acquire: (kind) => store.rateBudgets.acquire(companyId, kind, holder, limits),
          release: (id) => store.rateBudgets.release(id),
        },
        undefined,
        (err) => log.warn({ companyId, err }, "could not release a QBO rate slot; it expires by itself"),
      );
      byCompany.set(companyId, l);
    }
    return l;
  };
}

/**
 * `ledgerlink worker`: takes jobs from the PostgreSQL queue until stopped. Any number run on any
 * number of machines against one database; QBO's per-company limits are shared through the database,
 * and a company is run by one worker at a time (its lease).
 */
export async function startWorker(
  config: Config,
  settings: WorkerSettings,
  options: { logger?: Logger; queueSchema?: string } = {},
): Promise<RunningWorker> {
  if (dialectOf(config.databaseUrl) !== "postgres") throw new WorkerNeedsPostgresError();
  let metricsToken: string | undefined;
  try {
    metricsToken = loadMetricsToken();
  } catch (err) {
    throw new WorkerSettingsError(`worker settings: ${(err as Error).message}`);
  }
  const log = (options.logger ?? processLogger).child({ worker: `${hostId()}:${process.pid}` });
  const holder = `${hostId()}:${process.pid}`;
  const store = await openStore({ url: config.databaseUrl, poolSize: Math.max(4, settings.concurrency * 2) });
  const metrics = new LedgerlinkMetrics();
  const connections = new ConnectionService({
    store,
    config,
    clock: systemClock,
    fetch: metrics.instrumentFetch(),
    // Retry waits and request timeouts on the emulator's clock.
    ...(settings.timeScale !== 1 ? { timeScale: settings.timeScale } : {}),
    limiterFor: sharedLimiterFor(store, holder, settings, log),
    onTokenError: (companyId, err) => {
      metrics.tokenRefreshFailures.inc();
      log.warn({ companyId, err }, "could not get a QuickBooks access token");
    },
  });
  const queue = new PgBossQueue({
    url: config.databaseUrl,
    ...(options.queueSchema ? { schema: options.queueSchema } : {}),
    pollingIntervalSeconds: settings.pollSeconds,
    syncRunExpireSeconds: settings.jobExpireSeconds,
    maintenanceIntervalSeconds: Math.max(1, Math.min(30, Math.round(settings.jobExpireSeconds / 4))),
    onError: (err) => log.error({ err }, "job queue error"),
  });
  await queue.start();
  metrics.watchQueue(queue);
  const deps = {
    store,
    connections,
    clock: systemClock,
    environment: config.qbo.environment,
    transport: reportTransport(config.reports),
    logger: log,
    metrics,
    sliceOps: settings.sliceOps,
    leaseTtlMs: settings.leaseTtlMs,
    busyRetryMs: Math.min(5_000, settings.leaseTtlMs / 2),
  };
  await queue.work(jobHandlers(deps), { concurrency: settings.concurrency });
  await queue.scheduleEveryMinute("schedule-tick");

  // Between schedule ticks, look for companies whose runner died so takeover waits only for the lease.
  const sweep = setInterval(
    () =>
      void queueStalled(deps, queue).catch((err: unknown) => log.warn({ err }, "stalled-run sweep failed")),
    Math.max(500, settings.leaseTtlMs / 2),
  );
  sweep.unref?.();

  let metricsServer: ReturnType<typeof serve> | undefined;
  let metricsUrl: string | undefined;
  if (settings.metricsPort !== undefined) {
    const app = new Hono();
    app.get("/api/health", (c) => c.json({ status: "ok" }));
    registerOperationsRoutes(app, store, { metrics, queue, ...(metricsToken ? { metricsToken } : {}) });
    metricsServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: settings.metricsPort!, hostname: settings.metricsHost }, () =>
        resolve(s),
      );
    });
    metricsUrl = `http://${settings.metricsHost}:${(metricsServer.address() as AddressInfo).port}`;
  }
  log.info({ concurrency: settings.concurrency, sliceOps: settings.sliceOps, metricsUrl }, "worker started");

  return {
    holder,
    metrics,
    metricsUrl,
    store,
    queue,
    async stop() {
      clearInterval(sweep);
      await queue.stop();
      await store.rateBudgets.releaseHolder(holder).catch(() => undefined);
      if (metricsServer) await new Promise<void>((r) => metricsServer!.close(() => r()));
      await store.close();
      log.info("worker stopped");
    },
  };
}
