import type { Clock } from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import { companySyncSettings } from "./company-settings.js";
import { nextRunAt } from "./schedule-clock.js";

export interface SchedulerOptions {
  store: Store;
  clock: Clock;
  /** Runs one scheduled sync of the company to its end; resolves with the run id (undefined if none). */
  runScheduled(companyId: string): Promise<string | undefined>;
  /** After a scheduled run: e.g. email its report. A failure here is logged, never fatal. */
  afterRun?(companyId: string, runId: string): Promise<void>;
  onError?(companyId: string, err: unknown): void;
  /** How often to look (default 30 s); schedules are minute-grained. */
  tickMs?: number;
}

/**
 * Runs each company's syncs on its schedule (every N minutes, daily at a time in its zone, or on
 * change) from one in-process timer over the store. Next-run times are kept in the store, so a
 * restart neither skips nor repeats a run; a run already going (Sync Now, another worker) is not
 * doubled — the engine's per-company lease refuses it and the schedule moves on.
 */
export class Scheduler {
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticking: Promise<string[]> | undefined;

  constructor(private readonly o: SchedulerOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.o.tickMs ?? 30_000);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** One look at every company: starts the due ones and returns their ids. */
  tick(): Promise<string[]> {
    this.ticking ??= this.runDue().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async runDue(): Promise<string[]> {
    const started: string[] = [];
    for (const company of await this.o.store.listCompanies()) {
      try {
        if (await this.due(company.id)) {
          started.push(company.id);
          const runId = await this.o.runScheduled(company.id);
          if (runId !== undefined && this.o.afterRun) await this.o.afterRun(company.id, runId);
        }
      } catch (err) {
        this.o.onError?.(company.id, err);
      }
    }
    return started;
  }

  /** Whether the company's schedule says run now; keeps its next-run time current in the store. */
  private async due(companyId: string): Promise<boolean> {
    const now = this.o.clock.now();
    const { schedule } = await companySyncSettings(this.o.store, companyId);
    const engine = this.o.store.company(companyId).sync;
    const saved = await engine.getSchedule();
    const at = now.toISOString();
    if (schedule.mode === "manual") {
      if (saved.mode !== "manual") await engine.saveSchedule({ mode: "manual" }, at);
      return false;
    }
    if (schedule.mode === "on-change") {
      if (saved.mode !== "on-change") await engine.saveSchedule({ mode: "on-change" }, at);
      const [last] = await engine.listRunSummaries({ limit: 1 });
      return engine.hasChangesSince(last?.startedAt);
    }
    const same =
      saved.mode === schedule.mode &&
      saved.everyMinutes === schedule.everyMinutes &&
      saved.dailyAt === schedule.dailyAt &&
      saved.timeZone === schedule.timeZone;
    const planned = same && saved.nextRunAt !== undefined ? new Date(saved.nextRunAt) : undefined;
    if (planned === undefined || planned.getTime() > now.getTime()) {
      // A new or changed schedule starts counting from now; it does not fire at once.
      if (planned === undefined) {
        const next = nextRunAt(schedule, now);
        await engine.saveSchedule({ ...schedule, ...(next ? { nextRunAt: next.toISOString() } : {}) }, at);
      }
      return false;
    }
    const next = nextRunAt(schedule, now);
    await engine.saveSchedule({ ...schedule, ...(next ? { nextRunAt: next.toISOString() } : {}) }, at);
    return true;
  }
}
