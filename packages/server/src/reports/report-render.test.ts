import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { reportCsvColumns, renderReportCsv } from "./report-csv.js";
import { htmlRowLimit, renderReportHtml } from "./report-html.js";
import { syncReportSchema, type SyncReport } from "./report-schema.js";

/** Every text a report shows came from the app, QBO or a person: here each one is hostile. */
const evil = `=HYPERLINK("x")<img src=x onerror=alert(1)>&'`;

function hostileReport(unmatchedCount = 1): SyncReport {
  const counts = {
    linked: 1,
    created: 2,
    updated: 3,
    reactivated: 0,
    inactivated: 0,
    deleted: 0,
    skipped: 4,
    held: 5,
    blocked: 6,
    failed: 7,
  };
  return syncReportSchema.parse({
    company: { id: evil, name: evil },
    scope: { kind: "run", runId: evil },
    generatedAt: "2026-11-21T17:00:00.000Z",
    asOf: "2026-11-21T16:59:00.000Z",
    runs: [{ id: evil, trigger: evil, status: evil, startedAt: evil, finishedAt: evil, note: evil, counts }],
    counts,
    errors: {
      total: 1,
      byCategory: [{ category: evil, title: evil, count: 1 }],
      items: [
        {
          ref: evil,
          name: evil,
          source: evil,
          category: evil,
          code: evil,
          message: evil,
          detail: evil,
          field: evil,
          runId: evil,
          since: evil,
        },
      ],
    },
    review: {
      total: 1,
      items: [{ ref: evil, name: evil, qboId: evil, qboName: evil, score: 0.7, reasons: [evil] }],
    },
    unmatched: {
      total: unmatchedCount,
      exportable: 0,
      customers: Array.from({ length: unmatchedCount }, () => ({
        ref: evil,
        name: evil,
        companyName: evil,
        email: evil,
        phone: evil,
        parentRef: evil,
        why: evil,
        export: { included: false, reason: evil },
      })),
    },
    duplicates: {
      app: [
        {
          score: 0.9,
          reasons: [evil],
          members: [{ id: evil, name: evil, email: evil, phone: evil, linkedTo: evil }],
        },
      ],
      qbo: [{ score: 0.9, reasons: [evil], members: [{ id: evil, name: evil }] }],
    },
    autoRepairs: [
      { at: evil, ref: evil, action: evil, summary: evil, field: evil, before: evil, after: evil },
    ],
  });
}

describe("renderReportHtml", () => {
  it("escapes every value: no markup from the data reaches the page", () => {
    const page = renderReportHtml(hostileReport());
    expect(page).not.toContain("<img");
    expect(page).not.toContain(`"x"`);
    const escaped = "=HYPERLINK(&quot;x&quot;)&lt;img src=x onerror=alert(1)&gt;&amp;&#39;";
    // The hostile text shows up escaped in the title, the heading, the scope line and every section.
    expect(page).toContain(`<title>Sync report — ${escaped}</title>`);
    expect(page).toContain(`<h1>Sync report — ${escaped}</h1>`);
    const sections = [...page.matchAll(/<section id="([a-z]+)">([\s\S]*?)<\/section>/g)];
    expect(sections.map((m) => m[1])).toEqual([
      "counts",
      "errors",
      "review",
      "unmatched",
      "duplicates",
      "repairs",
    ]);
    for (const [, id, body] of sections.slice(1)) expect(body, id).toContain(escaped);
    // What is left after removing the escaped copies holds only the page's own tags.
    const tags = new Set(
      page
        .split(escaped)
        .join("")
        .match(/<\/?[a-z0-9]+/g),
    );
    expect([...tags].filter((t) => /^<\/?(img|script|iframe|object|a)\b/.test(t))).toEqual([]);
  });

  it("shows at most htmlRowLimit rows a section and says how many more are in the files", () => {
    const page = renderReportHtml(hostileReport(htmlRowLimit + 7));
    expect(page).toContain("…and 7 more: every row is in the CSV and JSON report.");
  });
});

describe("renderReportCsv", () => {
  it("neutralises every cell and keeps every row, as wide as the header", () => {
    const text = renderReportCsv(hostileReport(3));
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(text, { bom: true }) as string[][];
    expect(rows[0]).toEqual([...reportCsvColumns]);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows.filter((r) => r[0] === "unmatched")).toHaveLength(3);
    expect(rows.find((r) => r[0] === "error")![2]).toBe(`'${evil}`);
    expect(rows.filter((r) => r[0] === "count").map((r) => [r[3], r[6]])).toContainEqual(["blocked", "6"]);
  });
});
