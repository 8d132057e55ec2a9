import { describe, expect, it } from "vitest";
import { nextRunAt } from "./schedule-clock.js";

describe("nextRunAt", () => {
  it("counts every N minutes from the last run", () => {
    expect(nextRunAt({ mode: "every", everyMinutes: 15 }, new Date("2026-11-21T10:00:00Z"))).toEqual(
      new Date("2026-11-21T10:15:00Z"),
    );
  });

  it("runs daily at a wall-clock time in the company's zone: later today, else tomorrow", () => {
    const s = { mode: "daily" as const, dailyAt: "02:00", timeZone: "America/Chicago" };
    // 01:30 in Chicago (CST, UTC−6) → 02:00 the same day.
    expect(nextRunAt(s, new Date("2026-11-21T07:30:00Z"))).toEqual(new Date("2026-11-21T08:00:00Z"));
    // 02:00 exactly has passed → tomorrow.
    expect(nextRunAt(s, new Date("2026-11-21T08:00:00Z"))).toEqual(new Date("2026-11-22T08:00:00Z"));
  });

  it("keeps 02:00 local across the change to daylight-saving time", () => {
    const s = { mode: "daily" as const, dailyAt: "09:30", timeZone: "America/New_York" };
    // 2027-03-14 is the spring change: 09:30 EST the day before is 14:30Z, 09:30 EDT that day is 13:30Z.
    expect(nextRunAt(s, new Date("2027-03-13T15:00:00Z"))).toEqual(new Date("2027-03-14T13:30:00Z"));
  });

  it("is UTC without a zone, and never for manual or on-change schedules", () => {
    expect(nextRunAt({ mode: "daily", dailyAt: "23:15" }, new Date("2026-11-21T23:20:00Z"))).toEqual(
      new Date("2026-11-22T23:15:00Z"),
    );
    expect(nextRunAt({ mode: "manual" }, new Date())).toBeUndefined();
    expect(nextRunAt({ mode: "on-change" }, new Date())).toBeUndefined();
  });
});
