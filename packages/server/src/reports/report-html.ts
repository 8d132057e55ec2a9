import { escapeHtml as e } from "./html-escape.js";
import type { DuplicateGroup, ReportCounts, SyncReport } from "./report-schema.js";

/** Rows shown per section: the page stays printable; the CSV and JSON carry every row. */
export const htmlRowLimit = 500;

const countLabels: [keyof ReportCounts, string][] = [
  ["linked", "Linked to an existing QuickBooks record"],
  ["created", "Created in QuickBooks"],
  ["updated", "Updated in QuickBooks"],
  ["reactivated", "Reactivated"],
  ["inactivated", "Made inactive"],
  ["deleted", "Deleted"],
  ["skipped", "Unchanged"],
  ["held", "Held (review or queue hold)"],
  ["blocked", "Blocked by a problem"],
  ["failed", "Refused by QuickBooks"],
];

/** "2026-11-21T17:29:09.123Z" → "2026-11-21 17:29 UTC"; anything else as given. */
export function readableTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

const valueText = (v: unknown): string =>
  v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);

function table(
  headers: readonly string[],
  rows: readonly (readonly unknown[])[],
  total = rows.length,
): string {
  const shown = rows.slice(0, htmlRowLimit);
  const more =
    total > shown.length
      ? `<p class="more">…and ${e(total - shown.length)} more: every row is in the CSV and JSON report.</p>`
      : "";
  return (
    `<table><thead><tr>${headers.map((h) => `<th>${e(h)}</th>`).join("")}</tr></thead><tbody>` +
    shown.map((r) => `<tr>${r.map((v) => `<td>${e(valueText(v))}</td>`).join("")}</tr>`).join("") +
    `</tbody></table>${more}`
  );
}

function scopeLine(r: SyncReport): string {
  if (r.scope.kind === "run") {
    const run = r.runs[0];
    if (!run) return `Run ${e(r.scope.runId)}`;
    const finished = run.finishedAt ? `, finished ${e(readableTime(run.finishedAt))}` : ", still running";
    return (
      `Run <code>${e(run.id)}</code> (${e(run.trigger)}), started ${e(readableTime(run.startedAt))}` +
      `${finished}: <strong>${e(run.status)}</strong>${run.note ? ` — ${e(run.note)}` : ""}`
    );
  }
  return (
    `From ${e(readableTime(r.scope.from))} to ${e(readableTime(r.scope.to))}: ` +
    `${e(r.runs.length)} ${r.runs.length === 1 ? "run" : "runs"}`
  );
}

function duplicateSection(title: string, groups: readonly DuplicateGroup[], idLabel: string): string {
  if (groups.length === 0) return `<h3>${e(title)}</h3><p class="none">None found.</p>`;
  const rows = groups.flatMap((g, i) =>
    g.members.map((m) => [
      `#${i + 1} (${Math.round(g.score * 100)}%)`,
      m.id,
      m.name,
      m.email ?? "",
      m.phone ?? "",
      m.linkedTo ?? "",
      g.reasons.join("; "),
    ]),
  );
  return (
    `<h3>${e(title)} (${e(groups.length)} ${groups.length === 1 ? "group" : "groups"})</h3>` +
    table(["Group", idLabel, "Name", "Email", "Phone", "Linked to", "Why they look alike"], rows)
  );
}

/** The report as a printable page; every value is HTML-escaped (names come from people and QBO). */
export function renderReportHtml(r: SyncReport): string {
  const parts: string[] = [];
  const title = `Sync report — ${r.company.name}`;
  parts.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(title)}</title>`,
    `<style>${css}</style></head><body>`,
    `<h1>${e(title)}</h1>`,
    `<p class="scope">${scopeLine(r)}</p>`,
  );

  parts.push(`<section id="counts"><h2>What the sync did</h2>`);
  parts.push(
    table(
      ["", "Records"],
      countLabels.map(([k, label]) => [label, r.counts[k]]),
    ),
  );
  if (r.scope.kind === "period" && r.runs.length > 0)
    parts.push(
      table(
        ["Run", "Trigger", "Started", "Status", "Linked", "Created", "Updated", "Held", "Blocked", "Failed"],
        r.runs.map((run) => [
          run.id,
          run.trigger,
          readableTime(run.startedAt),
          run.status,
          run.counts.linked,
          run.counts.created,
          run.counts.updated,
          run.counts.held,
          run.counts.blocked,
          run.counts.failed,
        ]),
      ),
    );
  parts.push(`</section>`);

  parts.push(`<section id="errors"><h2>Problems open (${e(r.errors.total)})</h2>`);
  if (r.errors.total === 0) parts.push(`<p class="none">No open problems.</p>`);
  for (const g of r.errors.byCategory) {
    const items = r.errors.items.filter((i) => i.category === g.category);
    parts.push(`<h3>${e(g.title)} (${e(g.count)})</h3>`);
    parts.push(
      table(
        ["Record", "Name", "QuickBooks code", "Problem", "Detail"],
        items.map((i) => [i.ref, i.name ?? "", i.code ?? "", i.message, i.detail ?? ""]),
      ),
    );
  }
  parts.push(`</section>`);

  parts.push(`<section id="review"><h2>Waiting for review (${e(r.review.total)})</h2>`);
  parts.push(
    r.review.total === 0
      ? `<p class="none">Nothing waits for review.</p>`
      : table(
          ["Record", "Name", "May be QuickBooks customer", "Score", "Why"],
          r.review.items.map((i) => [
            i.ref,
            i.name ?? "",
            `${i.qboId}${i.qboName ? ` ${i.qboName}` : ""}`,
            `${Math.round(i.score * 100)}%`,
            i.reasons.join("; "),
          ]),
        ),
  );
  parts.push(`</section>`);

  parts.push(`<section id="unmatched"><h2>Customers not in QuickBooks (${e(r.unmatched.total)})</h2>`);
  if (r.unmatched.total === 0) parts.push(`<p class="none">Every active customer is linked.</p>`);
  else {
    parts.push(
      `<p>${e(r.unmatched.exportable)} of them can be imported into QuickBooks by hand from ` +
        `<code>unmatched-customers.csv</code> (QuickBooks' customer import layout); ` +
        `the next sync then links them instead of creating them again.</p>`,
    );
    parts.push(
      table(
        ["Record", "Name", "Email", "Phone", "Why", "In the import file"],
        r.unmatched.customers.map((u) => [
          u.ref,
          u.name,
          u.email ?? "",
          u.phone ?? "",
          u.why,
          u.export.included ? "yes" : `no: ${u.export.reason}`,
        ]),
      ),
    );
  }
  parts.push(`</section>`);

  parts.push(`<section id="duplicates"><h2>Possible duplicates</h2>`);
  parts.push(duplicateSection("In the app", r.duplicates.app, "Record"));
  parts.push(duplicateSection("In QuickBooks", r.duplicates.qbo, "QuickBooks Id"));
  parts.push(`</section>`);

  parts.push(`<section id="repairs"><h2>Fixed automatically (${e(r.autoRepairs.length)})</h2>`);
  parts.push(
    r.autoRepairs.length === 0
      ? `<p class="none">Nothing was changed automatically.</p>`
      : table(
          ["When", "Record", "Fix", "What changed", "Before", "After"],
          r.autoRepairs.map((a) => [
            readableTime(a.at),
            a.ref,
            a.action,
            a.summary,
            valueText(a.before),
            valueText(a.after),
          ]),
        ),
  );
  parts.push(`</section>`);

  parts.push(
    `<footer>Generated ${e(readableTime(r.generatedAt))}. Problems as of ${e(readableTime(r.asOf))}; ` +
      `unmatched customers and duplicates as of the report's generation.</footer></body></html>`,
  );
  return parts.join("\n");
}

const css = [
  "body{font:14px/1.45 system-ui,sans-serif;color:#1b1b1b;margin:2rem auto;max-width:60rem;padding:0 1rem}",
  "h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1rem}",
  "table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.25rem .5rem;",
  "text-align:left;vertical-align:top}th{background:#f3f3f3}.none{color:#555}.more{font-style:italic}",
  "footer{margin-top:2rem;color:#555;font-size:.85rem}",
  "@media print{body{margin:0;max-width:none}section{break-inside:auto}tr{break-inside:avoid}",
  "thead{display:table-header-group}}",
].join("");
