import PgBoss from "pg-boss";
import {
  jobNames,
  parseJobData,
  type JobHandlers,
  type JobName,
  type JobPayload,
  type JobQueue,
  type QueueDepth,
  type SendOptions,
} from "./job-types.js";

export interface PgBossQueueOptions {
  /** postgres://… (the store's database; pg-boss keeps its tables in its own schema). */
  url: string;
  /** pg-boss's schema (default "pgboss"); tests give each run its own. */
  schema?: string;
  /** How often an idle worker looks for jobs (default 1 s; pg-boss's minimum is 0.5 s). */
  pollingIntervalSeconds?: number;
  /**
   * A sync-run job still active after this long is taken as lost (its worker died before it could
   * start a run) and handed to another worker. Run slices keep real jobs far shorter (default 600 s).
   */
  syncRunExpireSeconds?: number;
  /** How often pg-boss expires and archives jobs (default 30 s). */
  maintenanceIntervalSeconds?: number;
  /** Connections of pg-boss's own pool (default 4). */
  poolSize?: number;
  onError?: (err: Error) => void;
}

/**
 * Workers started together on a fresh database create the same queues at once, and PostgreSQL may
 * pick one of them as a deadlock victim (seen with 2 workers in bench/scale): try again shortly.
 */
async function retryOnDeadlock<T>(f: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (err) {
      if ((err as { code?: string }).code !== "40P01" || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 50 * i + Math.random() * 100));
    }
  }
}

/**
 * The job queue on pg-boss 10: jobs are rows in PostgreSQL taken with SKIP LOCKED, so any number of
 * workers on any number of machines share them. A company's sync-run queue uses pg-boss's "short"
 * policy keyed by company: one run waits per company however often it is asked for, while the
 * per-company lease (not the queue) decides who runs it.
 */
export class PgBossQueue implements JobQueue {
  readonly kind = "pg-boss" as const;
  private readonly boss: PgBoss;
  private started: Promise<void> | undefined;

  constructor(private readonly o: PgBossQueueOptions) {
    this.boss = new PgBoss({
      connectionString: o.url,
      schema: o.schema ?? "pgboss",
      max: o.poolSize ?? 4,
      application_name: "ledgerlink-worker",
      maintenanceIntervalSeconds: o.maintenanceIntervalSeconds ?? 30,
      monitorStateIntervalSeconds: 60,
    });
    this.boss.on("error", (err) => o.onError?.(err));
  }

  /** Creates pg-boss's schema and the queues if missing (idempotent; safe from many workers). */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.boss.start();
      for (const name of jobNames) {
        const options = {
          name,
          ...(name === "sync-run"
            ? {
                policy: "short" as const,
                expireInSeconds: this.o.syncRunExpireSeconds ?? 600,
                retryLimit: 10,
                retryDelay: 1,
              }
            : name === "schedule-tick"
              ? // One tick at a time across every process: two ticks could both find a company due.
                { policy: "singleton" as const, retryLimit: 1, retryDelay: 5 }
              : { policy: "standard" as const, retryLimit: 3, retryDelay: 5, retryBackoff: true }),
        };
        await retryOnDeadlock(() => this.boss.createQueue(name, options));
        // createQueue keeps an existing queue as it was: the settings of the newest start apply.
        await retryOnDeadlock(() => this.boss.updateQueue(name, options));
      }
    })();
    return this.started;
  }

  async send<N extends JobName>(
    name: N,
    data: JobPayload<N>,
    options: SendOptions = {},
  ): Promise<string | null> {
    await this.start();
    return this.boss.send(name, data as object, {
      ...(options.singletonKey !== undefined ? { singletonKey: options.singletonKey } : {}),
      ...(options.delayMs !== undefined && options.delayMs > 0
        ? { startAfter: new Date(Date.now() + options.delayMs) }
        : {}),
    });
  }

  async work(handlers: JobHandlers, options: { concurrency?: number } = {}): Promise<void> {
    await this.start();
    const concurrency = Math.max(1, options.concurrency ?? 1);
    const pollingIntervalSeconds = Math.max(0.5, this.o.pollingIntervalSeconds ?? 1);
    for (const name of jobNames) {
      const handler = handlers[name] as (
        data: unknown,
        ctx: { jobId: string; queue: JobQueue },
      ) => Promise<void>;
      // pg-boss 10 runs one batch per work() at a time: N registrations give N jobs at once.
      for (let i = 0; i < concurrency; i++) {
        await this.boss.work(name, { batchSize: 1, pollingIntervalSeconds }, async ([job]) => {
          if (!job) return;
          await handler(parseJobData(name, job.data), { jobId: job.id, queue: this });
        });
      }
    }
  }

  /** pg-boss's cron: one job a minute across all workers (it keeps the schedule in the database). */
  async scheduleEveryMinute(name: JobName): Promise<void> {
    await this.start();
    await this.boss.schedule(name, "* * * * *", {});
  }

  async depth(): Promise<QueueDepth> {
    await this.start();
    const out = {} as QueueDepth;
    for (const name of jobNames) {
      const all = await this.boss.getQueueSize(name, { before: "completed" });
      const waiting = await this.boss.getQueueSize(name, { before: "active" });
      out[name] = { waiting, active: all - waiting };
    }
    return out;
  }

  async ping(): Promise<void> {
    await this.start();
    await this.boss.getQueue("sync-run");
  }

  /** Stops taking jobs, waits (up to `timeoutMs`) for the ones running, and closes the pool. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => undefined);
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: true });
  }
}
