import { describe, expect, it } from "vitest";
import { outageText, pullFailedNote, unreachableNote } from "./qbo-outage.js";

describe("the plain-words note of a run QuickBooks did not answer", () => {
  it("says what QuickBooks did and after how many tries", () => {
    expect(outageText({ kind: "status", status: 503, attempts: 5 })).toBe(
      "QuickBooks answered 503 Service Unavailable, after 5 tries",
    );
    expect(outageText({ kind: "status", status: 599, attempts: 1 })).toBe(
      "QuickBooks answered 599, after 1 try",
    );
    expect(outageText({ kind: "timeout", timeoutMs: 120_000, attempts: 5 })).toBe(
      "QuickBooks did not answer within 120 s, after 5 tries",
    );
    expect(outageText({ kind: "timeout", timeoutMs: 1_200, attempts: 2 }, "it")).toBe(
      "it did not answer within 1.2 s, after 2 tries",
    );
    expect(outageText({ kind: "refused", attempts: 5 })).toBe(
      "QuickBooks refused the connection, after 5 tries",
    );
    expect(outageText({ kind: "network", attempts: 3 })).toBe(
      "the connection to QuickBooks failed, after 3 tries",
    );
  });

  it("says how many records wait and that nothing is duplicated; whether some calls got through", () => {
    expect(unreachableNote({ kind: "status", status: 502, attempts: 5 }, 1, false)).toBe(
      "QuickBooks could not be reached: it answered 502 Bad Gateway, after 5 tries. The 1 record waiting " +
        "will be sent again on the next sync, with nothing duplicated (QuickBooks recognises any it already received).",
    );
    expect(unreachableNote({ kind: "refused", attempts: 5 }, 40, true)).toMatch(
      /^Some calls got through, then QuickBooks could not be reached: it refused the connection, after 5 tries\. The 40 records waiting/,
    );
  });

  it("a failed pull says nothing was sent", () => {
    expect(pullFailedNote({ kind: "timeout", timeoutMs: 30_000, attempts: 5 }, 0)).toBe(
      "Could not read QuickBooks' changes: QuickBooks did not answer within 30 s, after 5 tries; nothing was sent. " +
        "Everything waiting will be sent on the next sync.",
    );
    expect(pullFailedNote({ kind: "status", status: 500, attempts: 5 }, 3)).toContain(
      "The 3 records waiting from an earlier sync will be sent again on the next sync, with nothing duplicated.",
    );
  });
});
