import {
  SyncBusyError,
  type Clock,
  type RecordRef,
  type RunTrigger,
  type SyncEvent,
  type SyncResult,
} from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import { syncEventDto } from "./api-dto.js";
import type { ConnectionService } from "./connection-service.js";
import { syncCompany } from "./sync-company.js";
import type { SyncEventHub } from "./sync-event-hub.js";

export interface SyncServiceOptions {
  store: Store;
  connections: ConnectionService;
  clock: Clock;
  environment: "emulator" | "sandbox" | "production";
  hub: SyncEventHub;
  /** How one sync is run (the engine through the company's connection); tests may wrap it. */
  runSync?: typeof syncCompany;
  /** Where failures of background runs are reported (besides the event stream). */
  onBackgroundError?: (companyId: string, err: unknown) => void;
}

interface Job {
  controller: AbortController;
  /** Known from the run's first event (after the pull and the plan). */
  runId: string | undefined;
  onRunId: (runId: string) => void;
  done: Promise<unknown>;
}

export class RunNotRunningError extends Error {
  override readonly name = "RunNotRunningError";
  constructor(
    readonly runId: string,
    readonly status: string,
  ) {
    super(`Run ${runId} is not running (it is ${status})`);
  }
}

/**
 * Starts and cancels syncs for the HTTP API: Sync Now runs in the background, at most one per company
 * in this process (and, through the engine's lease, across processes); every engine event goes to the
 * company's channel on the event hub, so SSE clients see progress.
 */
export class SyncService {
  private readonly jobs = new Map<string, Job>();
  private readonly run: typeof syncCompany;

  constructor(private readonly o: SyncServiceOptions) {
    this.run = o.runSync ?? syncCompany;
  }

  /** The run this process is executing for the company, if any (undefined before its plan is saved). */
  activeRunId(companyId: string): string | undefined {
    return this.jobs.get(companyId)?.runId;
  }

  isRunning(companyId: string): boolean {
    return this.jobs.has(companyId);
  }

  /**
   * Sync Now: starts a sync in the background and resolves with its run id once the run exists
   * (after QBO's changes were pulled and the plan saved). Rejects with `SyncBusyError` when a sync of
   * the company is running here or elsewhere, `NeedsReconnectError` when QBO must be reconnected first.
   */
  start(
    companyId: string,
    opts: { only?: readonly RecordRef[]; trigger?: RunTrigger } = {},
  ): Promise<{ runId: string }> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const job = this.begin(companyId, (runId) => {
        if (settled) return;
        settled = true;
        resolve({ runId });
      });
      job.done = this.run({
        ...this.common(companyId, job),
        trigger: opts.trigger ?? "manual",
        ...(opts.only ? { only: opts.only } : {}),
      })
        .then((result) => {
          if (settled) return;
          settled = true;
          if (result.run) resolve({ runId: result.run.id });
          else reject(new Error("the sync finished without a run"));
        })
        .catch((err: unknown) => {
          if (!settled) {
            settled = true;
            reject(err);
            return;
          }
          this.reportBackgroundError(companyId, job.runId ?? null, err);
        })
        .finally(() => this.jobs.delete(companyId));
    });
  }

  /** Syncs these records now and waits for the outcome (one sync per company, like Sync Now). */
  async syncRecords(companyId: string, refs: readonly RecordRef[]): Promise<SyncResult> {
    const job = this.begin(companyId, () => undefined);
    const done = this.run({ ...this.common(companyId, job), trigger: "record", only: refs });
    job.done = done.catch(() => undefined);
    try {
      return await done;
    } finally {
      this.jobs.delete(companyId);
    }
  }

  /** The dry run: pulls QBO's changes and plans, writes nothing to QBO (no lease taken). */
  plan(companyId: string, only?: readonly RecordRef[]): Promise<SyncResult> {
    return this.run({
      store: this.o.store,
      connections: this.o.connections,
      companyId,
      clock: this.o.clock,
      environment: this.o.environment,
      dryRun: true,
      ...(only ? { only } : {}),
    });
  }

  /**
   * Asks a run to stop after the calls in flight: recorded in the store (a runner in another process
   * sees it) and, for a run of this process, signalled at once. `RunNotFoundError` for an unknown run,
   * `RunNotRunningError` for one that already finished.
   */
  async cancel(companyId: string, runId: string): Promise<{ runId: string; cancelRequested: true }> {
    const engine = this.o.store.company(companyId).sync;
    const requested = await engine.requestCancel(runId, this.o.clock.now().toISOString());
    if (!requested) throw new RunNotRunningError(runId, (await engine.getRun(runId)).status);
    const job = this.jobs.get(companyId);
    if (job?.runId === runId) job.controller.abort();
    return { runId, cancelRequested: true };
  }

  /** Stops the runs of this process and waits for them to wind down (server shutdown). */
  /** Resolves when the company's background run (if any) has finished. */
  async whenIdle(companyId: string): Promise<void> {
    await this.jobs.get(companyId)?.done;
  }

  async close(): Promise<void> {
    const jobs = [...this.jobs.values()];
    for (const job of jobs) job.controller.abort();
    await Promise.allSettled(jobs.map((j) => j.done));
  }

  private begin(companyId: string, onRunId: (runId: string) => void): Job {
    if (this.jobs.has(companyId)) throw new SyncBusyError(companyId);
    const job: Job = {
      controller: new AbortController(),
      runId: undefined,
      onRunId,
      done: Promise.resolve(),
    };
    this.jobs.set(companyId, job);
    return job;
  }

  private common(companyId: string, job: Job) {
    return {
      store: this.o.store,
      connections: this.o.connections,
      companyId,
      clock: this.o.clock,
      environment: this.o.environment,
      signal: job.controller.signal,
      onEvent: (event: SyncEvent) => {
        this.o.hub.publish(companyId, syncEventDto(event));
        if (job.runId === undefined && "runId" in event) {
          job.runId = event.runId;
          job.onRunId(event.runId);
        }
      },
    };
  }

  private reportBackgroundError(companyId: string, runId: string | null, err: unknown): void {
    const name = err instanceof Error ? err.name : "Error";
    const reconnect = name === "NeedsReconnectError" || name === "QboAuthError";
    const code = reconnect ? "needs_reconnect" : "sync_failed";
    const message = reconnect
      ? `Reconnect to QuickBooks: ${(err as Error).message}`
      : "The sync stopped on an unexpected failure; see the server log";
    this.o.hub.publish(companyId, { type: "run-error", runId, code, message });
    this.o.onBackgroundError?.(companyId, err);
  }
}
