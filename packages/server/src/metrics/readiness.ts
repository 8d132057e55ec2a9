import type { Store } from "@ledgerlink/store";
import type { JobQueue } from "../jobs/job-types.js";

export interface Readiness {
  ready: boolean;
  checks: {
    database: { ok: boolean; error?: string };
    migrations: { ok: boolean; pending: string[] };
    queue: { ok: boolean; kind?: JobQueue["kind"]; error?: string };
  };
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * /api/ready: the database answers, every migration of this build is applied, and the job queue
 * answers. (/api/health only says the process is up.) Error texts name the failure, never a URL.
 */
export async function readiness(store: Store, queue: JobQueue | undefined): Promise<Readiness> {
  const checks: Readiness["checks"] = {
    database: { ok: false },
    migrations: { ok: false, pending: [] },
    queue: { ok: false },
  };
  try {
    const r = await store.jobs.readiness();
    checks.database = { ok: true };
    checks.migrations = { ok: r.pendingMigrations.length === 0, pending: r.pendingMigrations };
  } catch (err) {
    checks.database = { ok: false, error: message(err) };
  }
  if (queue === undefined) checks.queue = { ok: true };
  else {
    try {
      await queue.ping();
      checks.queue = { ok: true, kind: queue.kind };
    } catch (err) {
      checks.queue = { ok: false, kind: queue.kind, error: message(err) };
    }
  }
  return {
    ready: checks.database.ok && checks.migrations.ok && checks.queue.ok,
    checks,
  };
}
