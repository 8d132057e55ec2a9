import { randomUUID } from "node:crypto";
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

interface Pending {
  id: string;
  name: JobName;
  data: unknown;
  singletonKey: string | undefined;
  notBefore: number;
}

/**
 * The embedded default's queue (SQLite, one process): the same job interface as pg-boss, jobs held in
 * memory in arrival order. A job lost with the process is not lost work: schedules live in the store
 * and the next run recovers what a killed one sent.
 */
export class InProcessQueue implements JobQueue {
  readonly kind = "in-process" as const;
  private readonly pending: Pending[] = [];
  private readonly active = new Map<JobName, number>();
  private handlers: JobHandlers | undefined;
  private concurrency = 1;
  private stopped = false;
  private readonly running = new Set<Promise<void>>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onError: (name: JobName, err: unknown) => void = () => undefined) {}

  // async: a bad payload rejects the promise (as pg-boss's send does), never throws at the call.
  async send<N extends JobName>(
    name: N,
    data: JobPayload<N>,
    options: SendOptions = {},
  ): Promise<string | null> {
    parseJobData(name, data);
    const key = options.singletonKey;
    if (key !== undefined && this.pending.some((p) => p.name === name && p.singletonKey === key)) return null;
    const id = randomUUID();
    this.pending.push({ id, name, data, singletonKey: key, notBefore: Date.now() + (options.delayMs ?? 0) });
    this.pump();
    return id;
  }

  work(handlers: JobHandlers, options: { concurrency?: number } = {}): Promise<void> {
    this.handlers = handlers;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.pump();
    return Promise.resolve();
  }

  depth(): Promise<QueueDepth> {
    const out = {} as QueueDepth;
    for (const name of jobNames)
      out[name] = {
        waiting: this.pending.filter((p) => p.name === name).length,
        active: this.active.get(name) ?? 0,
      };
    return Promise.resolve(out);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  /** Takes no more jobs and waits for the running ones. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
  }

  /** Resolves when nothing is queued or running (tests, the CLI). */
  async drained(): Promise<void> {
    while (this.pending.length > 0 || this.running.size > 0) {
      await Promise.allSettled([...this.running]);
      if (this.running.size === 0 && this.pending.length > 0) await new Promise((r) => setTimeout(r, 10));
    }
  }

  private pump(): void {
    const handlers = this.handlers;
    if (!handlers || this.stopped) return;
    const now = Date.now();
    let nextAt = Infinity;
    for (let i = 0; i < this.pending.length;) {
      const job = this.pending[i]!;
      if (job.notBefore > now) {
        nextAt = Math.min(nextAt, job.notBefore);
        i++;
        continue;
      }
      if ((this.active.get(job.name) ?? 0) >= this.concurrency) {
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      this.active.set(job.name, (this.active.get(job.name) ?? 0) + 1);
      const handler = handlers[job.name] as (
        d: unknown,
        c: { jobId: string; queue: JobQueue },
      ) => Promise<void>;
      let run: Promise<void> | undefined = undefined;
      run = (async () => {
        await Promise.resolve();
        try {
          await handler(parseJobData(job.name, job.data), { jobId: job.id, queue: this });
        } catch (err) {
          this.onError(job.name, err);
        } finally {
          this.active.set(job.name, (this.active.get(job.name) ?? 1) - 1);
          if (run) this.running.delete(run);
          this.pump();
        }
      })();
      this.running.add(run);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (nextAt !== Infinity) {
      this.timer = setTimeout(() => this.pump(), Math.max(1, nextAt - Date.now()));
      this.timer.unref?.();
    }
  }
}
