import type { ProblemRow } from "@ledgerlink/store";
import { describe, expect, it } from "vitest";
import { explain, fixesFor } from "./errors-explain.js";

const row = (over: Partial<ProblemRow>): ProblemRow => ({
  id: "e1",
  source: "qbo",
  category: "duplicate",
  ref: "C:1042",
  localId: "1042",
  severity: null,
  message: "Duplicate Name Exists Error",
  detail: null,
  code: "6240",
  element: null,
  rule: null,
  field: null,
  fixes: [],
  runId: "r1",
  createdAt: "2026-11-21T10:00:00.000Z",
  resolvedAt: null,
  ...over,
});

describe("Errors view words and buttons", () => {
  it("a 6240 on a customer: names the record, offers rename (needing a name), link and send again", () => {
    const p = row({});
    expect(explain(p, "Big Duplicating Co.")).toContain('called "Big Duplicating Co."');
    const fixes = fixesFor(p, "acme");
    expect(fixes.map((f) => [f.action, f.requires, f.executable])).toEqual([
      ["rename", ["value"], true],
      ["link", ["qboId"], true],
      ["requeue", [], true],
    ]);
  });

  it("a lost connection offers reconnect through the connection endpoint, not this API", () => {
    const fixes = fixesFor(row({ category: "auth", code: "3200" }), "acme");
    expect(fixes).toEqual([
      expect.objectContaining({
        action: "reconnect",
        executable: false,
        href: "/api/v1/companies/acme/connection/connect",
      }),
    ]);
  });

  it("a finding keeps its own fixes, with a safe one offered as auto-repair first; the rule explains it", () => {
    const p = row({
      source: "preflight",
      category: "invalid-data",
      code: null,
      rule: "name.spaces",
      detail: "Names may not start or end with spaces.",
      fixes: [
        {
          action: "trim-spaces",
          label: "Remove the extra spaces",
          params: { field: "displayName", value: "A" },
          safe: true,
        },
      ],
    });
    expect(fixesFor(p, "acme").map((f) => [f.action, f.safe, f.requires])).toEqual([
      ["auto-repair", true, []],
      ["trim-spaces", true, []],
    ]);
    expect(explain(p, null)).toMatch(/refuses some characters.*The rule: Names may not/);
    expect(explain(row({ source: "preflight", rule: "dependency.blocked", code: null }), null)).toMatch(
      /waits for another one/,
    );
  });

  it("a match to review offers the decisions; the explanation gives the reasons", () => {
    const p = row({
      source: "review",
      code: null,
      review: { itemId: "i1", qboId: "58", score: 0.8, reasons: ["email equal"] },
    });
    expect(fixesFor(p, "acme").map((f) => f.action)).toEqual([
      "accept-match",
      "create-new",
      "reject-match",
      "link",
      "mark-qbo-inactive",
    ]);
    expect(explain(p, null)).toContain("(email equal)");
  });
});
