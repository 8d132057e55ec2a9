import { deliverDueEvents, type DeliverOptions, type DeliverReport } from "./deliver-due-events.js";

export interface DelivererTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Runs `deliverDueEvents` in the server process: again at once while it finds work, otherwise every
 * `pollMs`. `kick()` runs it now (after a redelivery). When the job queue takes this over, it calls
 * `deliverDueEvents` itself and this loop is not started.
 */
export class OutboundDeliverer {
  private handle: unknown;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly o: DeliverOptions & {
      pollMs?: number;
      timers?: DelivererTimers;
      onError?: (err: unknown) => void;
      onReport?: (report: DeliverReport) => void;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  kick(): void {
    if (!this.stopped && this.running === undefined) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.handle !== undefined) (this.o.timers ?? globalThis).clearTimeout(this.handle as never);
    this.handle = undefined;
    await this.running;
  }

  private schedule(ms: number): void {
    const timers = this.o.timers ?? globalThis;
    if (this.handle !== undefined) timers.clearTimeout(this.handle as never);
    this.handle = timers.setTimeout(() => {
      this.handle = undefined;
      this.running = this.tick().finally(() => (this.running = undefined));
    }, ms);
  }

  private async tick(): Promise<void> {
    let busy = false;
    try {
      const report = await deliverDueEvents(this.o);
      this.o.onReport?.(report);
      busy = report.attempted > 0;
    } catch (err) {
      this.o.onError?.(err);
    }
    if (!this.stopped) this.schedule(busy ? 0 : (this.o.pollMs ?? 1000));
  }
}
