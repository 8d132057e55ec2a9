import { z } from "zod";

/** A worker's own settings from the environment (the rest is the server's Config). */
const workerEnv = z.object({
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  LEDGERLINK_SLICE_OPS: z.coerce.number().int().min(1).default(1000),
  LEDGERLINK_LEASE_TTL_MS: z.coerce.number().int().min(1000).default(60_000),
  LEDGERLINK_JOB_EXPIRE_SECONDS: z.coerce.number().int().min(5).default(600),
  LEDGERLINK_POLL_SECONDS: z.coerce.number().min(0.5).default(1),
  /** Emulator only: its clock runs this many times faster; limits, waits and timeouts shrink alike. */
  LEDGERLINK_QBO_TIME_SCALE: z.coerce.number().positive().default(1),
  /** Fraction of QBO's limits left unused for clock and network spread (0.02 of 500/min keeps 490). */
  LEDGERLINK_QBO_HEADROOM: z.coerce.number().min(0).max(0.5).default(0.02),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
});

export interface WorkerSettings {
  concurrency: number;
  sliceOps: number;
  leaseTtlMs: number;
  jobExpireSeconds: number;
  pollSeconds: number;
  timeScale: number;
  headroom: number;
  metricsPort: number | undefined;
  metricsHost: string;
}

export class WorkerSettingsError extends Error {
  override readonly name = "WorkerSettingsError";
}

export function loadWorkerSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const r = workerEnv.safeParse(env);
  if (!r.success)
    throw new WorkerSettingsError(
      `worker settings: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const e = r.data;
  return {
    concurrency: e.WORKER_CONCURRENCY,
    sliceOps: e.LEDGERLINK_SLICE_OPS,
    leaseTtlMs: e.LEDGERLINK_LEASE_TTL_MS,
    jobExpireSeconds: e.LEDGERLINK_JOB_EXPIRE_SECONDS,
    pollSeconds: e.LEDGERLINK_POLL_SECONDS,
    timeScale: e.LEDGERLINK_QBO_TIME_SCALE,
    headroom: e.LEDGERLINK_QBO_HEADROOM,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
  };
}
