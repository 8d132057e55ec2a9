import type { Command } from "commander";
import {
  loadConfig,
  loadWorkerSettings,
  startWorker,
  WorkerNeedsPostgresError,
  WorkerSettingsError,
} from "@ledgerlink/server";
import { UsageError } from "../exit-codes.js";

/** `ledgerlink worker`: takes sync, pull, webhook, schedule and report jobs from the PostgreSQL queue. */
export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description(
      "Run jobs (syncs, pulls, webhooks, schedules, report emails) from the queue in PostgreSQL; start as many as you like, on as many machines (DATABASE_URL=postgres://…)",
    )
    .option(
      "--concurrency <n>",
      "jobs of each kind at a time in this process (WORKER_CONCURRENCY, default 4)",
    )
    .option("--metrics-port <port>", "serve /metrics and /api/ready on this port (METRICS_PORT)")
    .addHelpText(
      "after",
      "\nExample:\n  $ DATABASE_URL=postgres://ledgerlink@db/ledgerlink ledgerlink worker --metrics-port 9464",
    )
    .action(async (opts: { concurrency?: string; metricsPort?: string }) => {
      const env = {
        ...process.env,
        ...(opts.concurrency !== undefined ? { WORKER_CONCURRENCY: opts.concurrency } : {}),
        ...(opts.metricsPort !== undefined ? { METRICS_PORT: opts.metricsPort } : {}),
      };
      let worker;
      try {
        worker = await startWorker(loadConfig(env), loadWorkerSettings(env));
      } catch (err) {
        if (err instanceof WorkerNeedsPostgresError || err instanceof WorkerSettingsError)
          throw new UsageError(err.message);
        throw err;
      }
      console.error(
        `ledgerlink worker ${worker.holder} taking jobs${worker.metricsUrl ? `; metrics on ${worker.metricsUrl}/metrics` : ""}`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => void worker.stop().then(resolve, resolve);
        process.once("SIGINT", stop).once("SIGTERM", stop);
      });
    });
}
