import { pullQbo, SyncBusyError, type Clock, type SyncEvent } from "@ledgerlink/core";
import { qboPullApi } from "@ledgerlink/qbo";
import type { Store } from "@ledgerlink/store";
import { applyQboChanges } from "../apply-qbo-changes.js";
import { runnerName } from "../company-sync.js";
import type { ConnectionService } from "../connection-service.js";
import { companyLogger, type Logger } from "../logger.js";
import type { LedgerlinkMetrics } from "../metrics/metrics.js";
import { sendRunReport, type ReportTransport } from "../reports/report-email.js";
import { noteQboWebhookChanges } from "../qbo-webhook-notes.js";
import { Scheduler } from "../scheduler.js";
import { NeedsReconnectError, syncCompany } from "../sync-company.js";
import { jobPayloads, type JobHandlers, type JobName, type JobQueue } from "./job-types.js";

export interface JobHandlerDeps {
  store: Store;
  connections: ConnectionService;
  clock: Clock;
  environment: "emulator" | "sandbox" | "production";
  transport: ReportTransport;
  logger: Logger;
  metrics?: LedgerlinkMetrics;
  /** Operations per run slice before the run re-queues itself behind the other companies (default 1,000). */
  sliceOps?: number;
  /** The company lease's time to live (default 60 s); a dead worker's companies are taken over after it. */
  leaseTtlMs?: number;
  /** When a company is busy on another worker, ask again after this long (default 5 s). */
  busyRetryMs?: number;
  /** Every engine event of a run this process executes (the server streams them to the console). */
  onRunEvent?: (companyId: string, event: SyncEvent) => void;
  /** Aborted when the process shuts down: runs stop after their calls in flight. */
  signal?: AbortSignal;
}

/**
 * What each job does, the same on pg-boss workers and in the embedded in-process queue. A sync run is
 * cut into slices of `sliceOps` operations: a slice ends by queueing the next one at the back of the
 * queue, so a company with 100k invoices takes turns with a company with 10 instead of holding a
 * worker for an hour.
 */
export function jobHandlers(d: JobHandlerDeps): JobHandlers {
  const leaseTtlMs = d.leaseTtlMs ?? 60_000;
  const timed = <N extends JobName>(name: N, handler: JobHandlers[N]): JobHandlers[N] =>
    (async (data: never, ctx: never) => {
      const started = performance.now();
      let outcome = "failed";
      try {
        await (handler as (a: unknown, b: unknown) => Promise<void>)(data, ctx);
        outcome = "ok";
      } finally {
        d.metrics?.jobs.inc({ job: name, outcome });
        d.metrics?.jobDuration.observe({ job: name }, (performance.now() - started) / 1000);
      }
    }) as JobHandlers[N];

  return {
    "sync-run": timed("sync-run", async ({ companyId, trigger, since }, ctx) => {
      const log = companyLogger(d.logger, { companyId });
      try {
        const result = await syncCompany({
          store: d.store,
          connections: d.connections,
          companyId,
          clock: d.clock,
          environment: d.environment,
          trigger,
          maxOps: d.sliceOps ?? 1000,
          leaseTtlMs,
          ...(d.onRunEvent ? { onEvent: (e: SyncEvent) => d.onRunEvent!(companyId, e) } : {}),
          ...(d.signal ? { signal: d.signal } : {}),
        });
        const run = result.run;
        if (run) {
          d.metrics?.runFinished(run);
          companyLogger(d.logger, { companyId, runId: run.id }).info(
            {
              jobId: ctx.jobId,
              status: run.status,
              operations: run.operations,
              calls: run.calls,
              throttleWaitMs: run.throttleWaitMs,
              sliced: result.sliced === true,
              // QuickBooks down (or a pull it did not answer) ends the run failed with a note, not a throw.
              ...(run.note ? { note: run.note } : {}),
            },
            "sync run finished",
          );
        }
        if (result.sliced) {
          const next = { companyId, trigger, since: since ?? run?.startedAt };
          await ctx.queue.send("sync-run", next, { singletonKey: companyId });
        } else if (run && trigger === "schedule") {
          await ctx.queue.send("report-email", { companyId, runId: run.id, ...(since ? { since } : {}) });
        }
      } catch (err) {
        if (err instanceof SyncBusyError) {
          // Another worker is running this company: look again soon, so a change that asked for this
          // run is not left waiting for the next schedule.
          log.debug({ jobId: ctx.jobId }, "company busy on another worker; re-queued");
          await ctx.queue.send(
            "sync-run",
            { companyId, trigger, ...(since ? { since } : {}) },
            { singletonKey: companyId, delayMs: d.busyRetryMs ?? 5_000 },
          );
          return;
        }
        if (err instanceof NeedsReconnectError) {
          // Not retried: a person has to reconnect; the console shows it.
          log.warn({ jobId: ctx.jobId, err }, "sync needs the QuickBooks connection renewed");
          return;
        }
        log.error({ jobId: ctx.jobId, err }, "sync run failed");
        throw err;
      }
    }),

    pull: timed("pull", async ({ companyId }, ctx) => {
      const engine = d.store.company(companyId).sync;
      const holder = runnerName();
      // The mirror is written under the company's lease, like a run's own pull.
      if (!(await engine.acquireLease(holder, leaseTtlMs, d.clock.now()))) return;
      try {
        const client = await d.connections.clientFor(companyId);
        const pulled = await pullQbo({
          api: qboPullApi(client),
          mirror: d.store.company(companyId).qbo,
          now: () => d.clock.now(),
        });
        await applyQboChanges({ store: d.store, companyId, pulled, at: d.clock.now().toISOString() });
        companyLogger(d.logger, { companyId }).info(
          { jobId: ctx.jobId, changes: pulled.changes.length },
          "pulled QuickBooks changes",
        );
      } finally {
        await engine.releaseLease(holder);
      }
    }),

    webhook: timed("webhook", async ({ realmId, events }, ctx) => {
      const companies = await noteQboWebhookChanges(d.store, realmId, events, d.clock.now().toISOString());
      for (const companyId of companies) await ctx.queue.send("pull", { companyId });
    }),

    "schedule-tick": timed("schedule-tick", async (_data, ctx) => {
      await queueStalled(d, ctx.queue);
      const scheduler = new Scheduler({
        store: d.store,
        clock: d.clock,
        runScheduled: async (companyId) => {
          await ctx.queue.send("sync-run", { companyId, trigger: "schedule" }, { singletonKey: companyId });
          return undefined;
        },
        onError: (companyId, err) =>
          companyLogger(d.logger, { companyId }).error({ err }, "schedule check failed"),
      });
      await scheduler.tick();
    }),

    "report-email": timed("report-email", async ({ companyId, runId, since }) => {
      const delivery = await sendRunReport({
        store: d.store,
        companyId,
        runId,
        transport: d.transport,
        ...(since ? { since } : {}),
      });
      companyLogger(d.logger, { companyId, runId }).info({ delivery: delivery.delivery }, "run report sent");
    }),
  };
}

const triggerSchema = jobPayloads["sync-run"].shape.trigger.unwrap();

/**
 * Queues a sync for every company whose runner died mid-run (its run still "running", its lease
 * expired): the next run recovers what was sent and finishes the work. Cheap enough to run often.
 */
export async function queueStalled(
  d: Pick<JobHandlerDeps, "store" | "clock" | "logger">,
  queue: JobQueue,
): Promise<string[]> {
  const stalled = await d.store.jobs.stalledRuns(d.clock.now());
  const queued = new Set<string>();
  for (const { companyId, runId, trigger } of stalled) {
    if (queued.has(companyId)) continue;
    queued.add(companyId);
    // The run that finishes the work keeps the dead run's trigger (a scheduled run still sends its report).
    const known = triggerSchema.safeParse(trigger);
    const id = await queue.send(
      "sync-run",
      { companyId, trigger: known.success ? known.data : "api" },
      { singletonKey: companyId },
    );
    if (id !== null)
      companyLogger(d.logger, { companyId, runId }).warn({ trigger }, "runner gone mid-run; sync re-queued");
  }
  return [...queued];
}
