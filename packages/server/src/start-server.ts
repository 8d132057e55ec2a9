import { serve } from "@hono/node-server";
import { systemClock } from "@ledgerlink/core";
import { openStore, type Store } from "@ledgerlink/store";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import { ConnectionService } from "./connection-service.js";
import { apiDepsOf } from "./api-routes.js";
import type { SyncEventHub } from "./sync-event-hub.js";
import type { SyncService } from "./sync-service.js";
import { reportTransport, sendRunReport } from "./reports/report-email.js";
import { Scheduler } from "./scheduler.js";
import { companyLogger, logger } from "./logger.js";
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
  close(): Promise<void>;
}

/** Opens the store and serves the API and console on the configured port. */
export async function startServer(config: Config): Promise<RunningServer> {
  const store = await openStore({ url: config.databaseUrl });
  await store.ensureCompany(config.company, config.company);
  const firstAdmin = await ensureFirstAdmin(store, systemClock);
  const connections = new ConnectionService({ store, config, clock: systemClock });
  const { syncService, events } = apiDepsOf({ config, store, connections, clock: systemClock });
  const app = createApp({ config, store, connections, clock: systemClock, syncService, events });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const transport = reportTransport(config.reports);
  const scheduler = new Scheduler({
    store,
    clock: systemClock,
    runScheduled: async (companyId) => {
      const { runId } = await syncService.start(companyId, { trigger: "schedule" });
      await syncService.whenIdle(companyId);
      return runId;
    },
    // After each scheduled run the report goes to the company's recipients (or to disk without SMTP).
    afterRun: async (companyId, runId) => {
      await sendRunReport({ store, companyId, runId, transport });
    },
    onError: (companyId, err) => companyLogger(logger, { companyId }).error({ err }, "scheduled sync failed"),
  });
  scheduler.start();
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
    async close() {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
      await scheduler.stop();
      await deliverer.stop();
      await syncService.close();
      // Event streams never end by themselves.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      await store.close();
    },
  };
}
