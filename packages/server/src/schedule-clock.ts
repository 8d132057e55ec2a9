import type { Schedule } from "./company-settings.js";

/** The wall-clock parts of an instant in a time zone. */
function partsIn(at: Date, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number } {
  const f = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return {
    y: Number(p["year"]),
    mo: Number(p["month"]),
    d: Number(p["day"]),
    h: Number(p["hour"]),
    mi: Number(p["minute"]),
  };
}

/** The instant a wall-clock time in a zone names (exact to the minute; DST gaps move forward). */
function instantOf(y: number, mo: number, d: number, h: number, mi: number, timeZone: string): Date {
  let guess = Date.UTC(y, mo - 1, d, h, mi);
  // Two corrections settle the zone's offset, including across a DST change.
  for (let i = 0; i < 2; i++) {
    const p = partsIn(new Date(guess), timeZone);
    const shown = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi);
    guess += Date.UTC(y, mo - 1, d, h, mi) - shown;
  }
  return new Date(guess);
}

/**
 * When a schedule next runs after `after` (undefined for manual and on-change, which are not timed).
 * "every N minutes" counts from the last run; "daily at HH:MM" is in the company's time zone (UTC
 * when none is set), so 02:00 stays 02:00 across daylight-saving changes.
 */
export function nextRunAt(schedule: Schedule, after: Date): Date | undefined {
  if (schedule.mode === "every" && schedule.everyMinutes !== undefined)
    return new Date(after.getTime() + schedule.everyMinutes * 60_000);
  if (schedule.mode === "daily" && schedule.dailyAt !== undefined) {
    const zone = schedule.timeZone ?? "UTC";
    const [h, mi] = schedule.dailyAt.split(":").map(Number) as [number, number];
    const today = partsIn(after, zone);
    let at = instantOf(today.y, today.mo, today.d, h, mi, zone);
    if (at.getTime() <= after.getTime()) {
      const tomorrow = new Date(Date.UTC(today.y, today.mo - 1, today.d + 1));
      at = instantOf(
        tomorrow.getUTCFullYear(),
        tomorrow.getUTCMonth() + 1,
        tomorrow.getUTCDate(),
        h,
        mi,
        zone,
      );
    }
    return at;
  }
  return undefined;
}
