import { serve } from "@hono/node-server";
import { systemClock } from "@ledgerlink/core";
import { dialectOf, openStore, type Store } from "@ledgerlink/store";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import { ConnectionService } from "./connection-service.js";
import { apiDepsOf } from "./api-routes.js";
import type { SyncEventHub } from "./sync-event-hub.js";
import type { SyncService } from "./sync-service.js";
import { reportTransport } from "./reports/report-email.js";
import { logger } from "./logger.js";
import { syncEventDto } from "./api-dto.js";
import { hostId } from "./company-sync.js";
import { InProcessQueue } from "./jobs/in-process-queue.js";
import { jobHandlers } from "./jobs/job-handlers.js";
import type { JobQueue } from "./jobs/job-types.js";
import { PgBossQueue } from "./jobs/pg-boss-queue.js";
import { sharedLimiterFor } from "./jobs/worker.js";
import { loadWorkerSettings, type WorkerSettings } from "./jobs/worker-settings.js";
import { LedgerlinkMetrics } from "./metrics/metrics.js";
import { loadMetricsToken } from "./metrics/operations-routes.js";
import { OutboundDeliverer } from "./outbound/outbound-deliverer.js";
import { webhookSecretSealer } from "./outbound/webhook-secrets.js";
import { ensureFirstAdmin, type FirstAdmin } from "./auth/first-admin.js";

export interface RunningServer {
  url: string;
  store: Store;
  connections: ConnectionService;
  /** Sync Now in the background, one per company; its events go to `events`. */
  syncService: SyncService;
  events: SyncEventHub;
  /** The admin made because the database had no user yet: print it once, it is not shown again. */
  firstAdmin: FirstAdmin | undefined;
  /** Where scheduled runs, pulls, webhooks and report emails go: in-process on SQLite, pg-boss on PostgreSQL. */
  queue: JobQueue;
  metrics: LedgerlinkMetrics;
  close(): Promise<void>;
}

export interface StartServerOptions {
  /** Slices, lease, concurrency, time scale; from the environment (as for `ledgerlink worker`) when absent. */
  jobs?: Partial<WorkerSettings>;
  /**
   * PostgreSQL only: whether this server also takes jobs from the queue (default LEDGERLINK_SERVER_JOBS,
   * on). Off, it only sends them, and `ledgerlink worker` processes run them.
   */
  takeJobs?: boolean;
  /** PostgreSQL only: pg-boss's schema (default "pgboss"; tests give each run its own). */
  queueSchema?: string;
  /** SQLite only: how often the embedded queue looks at the schedules (default 30 s). */
  scheduleTickMs?: number;
}

/** Opens the store and serves the API and console on the configured port. */
export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const settings: WorkerSettings = { ...loadWorkerSettings(process.env), ...options.jobs };
  const metricsToken = loadMetricsToken();
  const postgres = dialectOf(config.databaseUrl) === "postgres";
  const holder = `${hostId()}:${process.pid}`;
  const store = await openStore({ url: config.databaseUrl });
  await store.ensureCompany(config.company, config.company);
  const firstAdmin = await ensureFirstAdmin(store, systemClock);
  const metrics = new LedgerlinkMetrics();
  const connections = new ConnectionService({
    store,
    config,
    clock: systemClock,
    fetch: metrics.instrumentFetch(),
    ...(settings.timeScale !== 1 ? { timeScale: settings.timeScale } : {}),
    // On PostgreSQL, workers may call QBO for the same companies: draw on the budget they share.
    ...(postgres ? { limiterFor: sharedLimiterFor(store, holder, settings, logger) } : {}),
    onTokenError: (companyId, err) => {
      metrics.tokenRefreshFailures.inc();
      logger.warn({ companyId, err }, "could not get a QuickBooks access token");
    },
  });
  const { syncService, events } = apiDepsOf({ config, store, connections, clock: systemClock });

  // Scheduled runs, pulls, webhooks and report emails run as jobs, the same handlers as `ledgerlink
  // worker`. On SQLite an in-process queue, fed by a timer that queues a schedule tick. On PostgreSQL
  // the only scheduler is pg-boss's cron (one schedule-tick job a minute across every process, run by
  // one of them at a time): the server starts no timer of its own, so it and the workers can never
  // both fire a company's scheduled run. Sync Now stays on the sync service (its events stream here).
  const stopping = new AbortController();
  const handlers = jobHandlers({
    store,
    connections,
    clock: systemClock,
    environment: config.qbo.environment,
    transport: reportTransport(config.reports),
    logger,
    metrics,
    sliceOps: settings.sliceOps,
    leaseTtlMs: settings.leaseTtlMs,
    busyRetryMs: Math.min(5_000, settings.leaseTtlMs / 2),
    onRunEvent: (companyId, event) => events.publish(companyId, syncEventDto(event)),
    signal: stopping.signal,
  });
  let queue: JobQueue;
  let tick: ReturnType<typeof setInterval> | undefined;
  if (postgres) {
    const pgQueue = new PgBossQueue({
      url: config.databaseUrl,
      ...(options.queueSchema ? { schema: options.queueSchema } : {}),
      pollingIntervalSeconds: settings.pollSeconds,
      syncRunExpireSeconds: settings.jobExpireSeconds,
      onError: (err) => logger.error({ err }, "job queue error"),
    });
    await pgQueue.start();
    await pgQueue.scheduleEveryMinute("schedule-tick");
    const takeJobs = options.takeJobs ?? process.env["LEDGERLINK_SERVER_JOBS"] !== "off";
    if (takeJobs) await pgQueue.work(handlers, { concurrency: settings.concurrency });
    queue = pgQueue;
  } else {
    const local = new InProcessQueue((name, err) => logger.error({ job: name, err }, "job failed"));
    await local.work(handlers, { concurrency: settings.concurrency });
    tick = setInterval(
      () => void local.send("schedule-tick", {}, { singletonKey: "schedule-tick" }),
      options.scheduleTickMs ?? 30_000,
    );
    tick.unref?.();
    queue = local;
  }
  metrics.watchQueue(queue);
  const app = createApp({
    config,
    store,
    connections,
    clock: systemClock,
    syncService,
    events,
    operations: { metrics, queue, ...(metricsToken ? { metricsToken } : {}) },
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  // Webhooks to the business app: due deliveries go out every second (a job can call deliverDueEvents instead).
  const deliverer = new OutboundDeliverer({
    store,
    openSecret: webhookSecretSealer(connections).open,
    now: () => systemClock.now(),
    onError: (err) => logger.error({ err }, "webhook delivery pass failed"),
  });
  deliverer.start();
  return {
    url: `http://${config.host === "0.0.0.0" || config.host === "127.0.0.1" ? "localhost" : config.host}:${port}`,
    store,
    connections,
    syncService,
    events,
    firstAdmin,
    queue,
    metrics,
    async close() {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
      if (tick) clearInterval(tick);
      // Runs of queued jobs stop after their calls in flight (what was sent is kept; the next run goes on).
      stopping.abort();
      await queue.stop();
      if (postgres) await store.rateBudgets.releaseHolder(holder).catch(() => undefined);
      await deliverer.stop();
      await syncService.close();
      // Event streams never end by themselves.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      await store.close();
    },
  };
}
