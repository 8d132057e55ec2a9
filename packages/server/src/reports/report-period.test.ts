import { describe, expect, it } from "vitest";
import { ApiError } from "../api-error.js";
import { parsePeriod } from "./report-period.js";

const now = new Date("2026-11-21T17:00:00.000Z");
const fieldOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    return ((err as ApiError).details as { field: string }).field;
  }
  throw new Error("expected a 400");
};

describe("parsePeriod", () => {
  it("takes days and instants, counts a `to` day whole, and ends at now without `to`", () => {
    expect(parsePeriod({ from: "2026-11-01", to: "2026-11-30" }, now)).toEqual({
      from: "2026-11-01T00:00:00.000Z",
      to: "2026-12-01T00:00:00.000Z",
    });
    expect(parsePeriod({ from: "2026-11-01T08:00:00+02:00", to: "2026-11-01T09:30:00Z" }, now)).toEqual({
      from: "2026-11-01T06:00:00.000Z",
      to: "2026-11-01T09:30:00.000Z",
    });
    expect(parsePeriod({ from: "2026-11-20" }, now)).toEqual({
      from: "2026-11-20T00:00:00.000Z",
      to: "2026-11-21T17:00:00.000Z",
    });
  });

  it("answers 400 naming from or to", () => {
    expect(fieldOf(() => parsePeriod({}, now))).toBe("from");
    expect(fieldOf(() => parsePeriod({ from: "" }, now))).toBe("from");
    expect(fieldOf(() => parsePeriod({ from: "last week" }, now))).toBe("from");
    expect(fieldOf(() => parsePeriod({ from: "2026-02-30" }, now))).toBe("from");
    expect(fieldOf(() => parsePeriod({ from: "2026-11-01T08:00:00" }, now))).toBe("from");
    expect(fieldOf(() => parsePeriod({ from: "2026-11-01", to: "11/30/2026" }, now))).toBe("to");
    expect(fieldOf(() => parsePeriod({ from: "2026-11-02", to: "2026-11-01T23:59:59Z" }, now))).toBe("to");
    expect(fieldOf(() => parsePeriod({ from: "2026-11-22" }, now))).toBe("to");
  });
});
