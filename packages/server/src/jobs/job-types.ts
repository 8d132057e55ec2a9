import { z } from "zod";

/**
 * Every job a worker runs, with its payload. One interface for both executions: pg-boss on PostgreSQL
 * (any number of `ledgerlink worker` processes on any number of machines) and the in-process queue of
 * the embedded SQLite default.
 */
export const jobPayloads = {
  /** One sync run (or the next slice of one) of a company. */
  "sync-run": z.object({
    companyId: z.string().min(1),
    trigger: z.enum(["manual", "schedule", "record", "change", "api", "cli"]).default("api"),
    /** For a later slice: when the first slice started, so the report after the last covers them all. */
    since: z.iso.datetime().optional(),
  }),
  /** Brings a company's QBO mirror up to date (CDC) without planning or writing. */
  pull: z.object({ companyId: z.string().min(1) }),
  /** Change notifications Intuit sent for one realm, already verified by the receiving endpoint. */
  webhook: z.object({
    realmId: z.string().min(1),
    events: z.array(
      z.object({
        entity: z.string().min(1),
        id: z.string().min(1),
        operation: z.string().min(1),
        lastUpdated: z.string().optional(),
        deletedId: z.string().optional(),
      }),
    ),
  }),
  /** Looks at every company's schedule and queues the due runs; also re-queues companies whose runner died. */
  "schedule-tick": z.object({}),
  /**
   * Emails (or writes) the report of one finished run; with `since`, of every run from then to now
   * (a run cut into slices is one run to the people reading the report).
   */
  "report-email": z.object({
    companyId: z.string().min(1),
    runId: z.string().min(1),
    since: z.iso.datetime().optional(),
  }),
} as const;

export type JobName = keyof typeof jobPayloads;
export const jobNames = Object.keys(jobPayloads) as JobName[];
export type JobPayload<N extends JobName> = z.input<(typeof jobPayloads)[N]>;
export type JobData<N extends JobName> = z.output<(typeof jobPayloads)[N]>;

export interface SendOptions {
  /**
   * At most one job with this key waits in the queue (a second send while one waits is dropped and
   * answers null): a company's sync is queued once however often it is asked for.
   */
  singletonKey?: string;
  /** Not before this many milliseconds from now. */
  delayMs?: number;
}

export interface JobContext {
  /** The queue's id of this job (for logs). */
  jobId: string;
  /** Send follow-up jobs (the next slice of a run, a report after a run). */
  queue: JobQueue;
}

export type JobHandler<N extends JobName> = (data: JobData<N>, ctx: JobContext) => Promise<void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };

/** Job counts by queue (for /metrics): waiting (created or retry) and active. */
export type QueueDepth = Record<JobName, { waiting: number; active: number }>;

export interface JobQueue {
  readonly kind: "pg-boss" | "in-process";
  send<N extends JobName>(name: N, data: JobPayload<N>, options?: SendOptions): Promise<string | null>;
  /** Starts taking jobs: `concurrency` of each kind at a time in this process. */
  work(handlers: JobHandlers, options?: { concurrency?: number }): Promise<void>;
  depth(): Promise<QueueDepth>;
  /** Throws when the queue cannot be reached. */
  ping(): Promise<void>;
  stop(): Promise<void>;
}

export class JobPayloadError extends Error {
  override readonly name = "JobPayloadError";
  constructor(name: JobName, issues: string) {
    super(`job ${name}: bad payload: ${issues}`);
  }
}

/** Validates a payload at the boundary (a job may come from another version of the code). */
export function parseJobData<N extends JobName>(name: N, data: unknown): JobData<N> {
  const r = jobPayloads[name].safeParse(data ?? {});
  if (!r.success)
    throw new JobPayloadError(
      name,
      r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "),
    );
  return r.data as JobData<N>;
}
