import { describe, expect, it } from "vitest";
import { EmulatorClock, formatQboDate, formatQboTime } from "./clock.js";

describe("EmulatorClock", () => {
  it("runs emulated time timeScale times faster than its base, and scales durations back", () => {
    let base = Date.parse("2026-01-01T00:00:00Z");
    const clock = new EmulatorClock(() => new Date(base), 60);
    base += 1000;
    expect(clock.nowMs() - Date.parse("2026-01-01T00:00:00Z")).toBe(60_000);
    expect(clock.toRealMs(3_600_000)).toBe(60_000);
    clock.advance(5000);
    expect(clock.nowMs() - Date.parse("2026-01-01T00:00:00Z")).toBe(65_000);
    expect(() => new EmulatorClock(() => new Date(), 0)).toThrow(/timeScale/);
  });

  it("formats QBO timestamps and dates in the company's offset", () => {
    const ms = Date.parse("2026-01-02T05:30:09Z");
    expect(formatQboTime(ms, -480)).toBe("2026-01-01T21:30:09-08:00");
    expect(formatQboTime(ms, 330)).toBe("2026-01-02T11:00:09+05:30");
    expect(formatQboDate(ms, -480)).toBe("2026-01-01");
  });
});
