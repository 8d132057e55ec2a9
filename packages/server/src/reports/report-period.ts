import { z } from "zod";
import { ApiError } from "../api-error.js";

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** A day or an instant as UTC ISO text (what the store's timestamps compare against); `endOfDay` for `to`. */
function toInstant(value: string, field: "from" | "to"): string {
  if (!instant.safeParse(value).success)
    throw new ApiError(
      400,
      "invalid_period",
      `${field}: give a date (2026-11-01) or a date and time (2026-11-01T08:00:00Z), got "${value.slice(0, 40)}"`,
      { field },
    );
  const d = new Date(dateOnly.test(value) ? `${value}T00:00:00.000Z` : value);
  // A day named as `to` includes that day: the period ends when the next day starts.
  if (field === "to" && dateOnly.test(value)) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

/**
 * The period of `GET …/reports?from=&to=`: `from` is required, `to` defaults to now, and a day given as
 * `to` counts whole. Answers [from, to) as UTC ISO; a 400 names the field at fault.
 */
export function parsePeriod(query: { from?: string | undefined; to?: string | undefined }, now: Date) {
  if (query.from === undefined || query.from === "")
    throw new ApiError(400, "invalid_period", "from: give the start of the period (2026-11-01)", {
      field: "from",
    });
  const from = toInstant(query.from, "from");
  const to = query.to === undefined || query.to === "" ? now.toISOString() : toInstant(query.to, "to");
  if (to <= from)
    throw new ApiError(400, "invalid_period", `to: the period must end after it starts (${from})`, {
      field: "to",
    });
  return { from, to };
}
