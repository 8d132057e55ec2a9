/**
 * The emulator's sense of time. Emulated time runs `timeScale` times faster than the injected base
 * clock, so a token lifetime of 3600 s or a one-minute throttle window shrinks for tests and benchmarks.
 */
export class EmulatorClock {
  private readonly startBase: number;
  private offsetMs = 0;

  constructor(
    private readonly base: () => Date,
    readonly timeScale: number,
  ) {
    if (!(timeScale > 0)) throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
    this.startBase = base().getTime();
  }

  /** Emulated milliseconds since the epoch. */
  nowMs(): number {
    const elapsed = this.base().getTime() - this.startBase;
    return this.startBase + elapsed * this.timeScale + this.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** Jumps emulated time forward (tests use it to expire tokens without waiting). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Real milliseconds that correspond to `emulatedMs` of emulated time. */
  toRealMs(emulatedMs: number): number {
    return emulatedMs / this.timeScale;
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** QBO's timestamp shape: second precision with the company's UTC offset, e.g. 2026-01-02T10:00:00-08:00. */
export function formatQboTime(ms: number, offsetMinutes: number): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.trunc(abs / 60))}:${pad(abs % 60)}`
  );
}

/** The company's local calendar date (YYYY-MM-DD), which is what TxnDate defaults to. */
export function formatQboDate(ms: number, offsetMinutes: number): string {
  return formatQboTime(ms, offsetMinutes).slice(0, 10);
}
