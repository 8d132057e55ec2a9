/**
 * Renders BENCHMARKS.md from bench/results/*.json (written by each bench through write-result.ts) and
 * bench/results/run-all.json (how `npm run bench` ran them: sizes, seconds, load average), with one SVG
 * chart per bench under bench/results/. Figures are shown as measured: a missed target says MISSED.
 *
 *   node bench/dist/render-report.js
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { met, type Figure } from "./write-result.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const resultsDir = join(root, "bench", "results");

interface Row extends Figure {
  ratio: number | null;
}
interface Result {
  name: string;
  date: string;
  machine: string;
  figures: Row[];
}
interface RunAll {
  startedAt: string;
  commit?: string;
  finishedAt: string;
  machine: string;
  cpus: number;
  loadAverage: { atStart: number[]; atEnd: number[]; perBench: Record<string, number[]> };
  benches: { name: string; size: string; seconds: number; exitCode: number | null }[];
}

/** What each bench measures, against what, for which target (from each bench's header). */
const about: Record<string, { title: string; workload: string; baseline: string; target: string }> = {
  emulator: {
    title: "QBO emulator throughput",
    workload:
      "a mix of customer creates, sparse updates, invoice creates, reads by Id and queries against one emulated company, in-process and over loopback HTTP, no throttling or latency",
    baseline: "none named by the issue",
    target: "≥ 2,000 req/s in-process, ≥ 1,000 req/s over HTTP",
  },
  throttle: {
    title: "Rate limiter at QBO's limits",
    workload:
      "20 workers reading a customer as fast as allowed against the emulator at QBO's limits (500 req/min, 10 in flight), time-scaled",
    baseline: "the same workload with no limiter, retrying 429s as every client must",
    target: "≥ 0.95 of the 500/min limit, 0 × 429",
  },
  ingest: {
    title: "Records in: parse, validate, store",
    workload: "100,000 records of realistic shape (customers, items, invoices, payments; ~5% with a problem)",
    baseline: "ingest: one INSERT per record without a transaction",
    target: "validation ≥ 100,000 records/s; ingest into SQLite ≥ 20,000 records/s",
  },
  match: {
    title: "Customer matching",
    workload: "10k×10k and 100k×100k generated customers with typos, renames and look-alikes",
    baseline: "exact-DisplayName matching, as today's products do",
    target: "100k×100k ≤ 20 s wall time; blocking recall ≥ 0.995",
  },
  api: {
    title: "HTTP API under load",
    workload:
      "the server on SQLite with 100,000 records, 40,000 QBO customers and 10,000 open problems; autocannon at 1 and 10 connections on the errors list, search and status",
    baseline: "search as an unindexed LIKE scan over the same data",
    target: "p99 ≤ 50 ms for list and search pages",
  },
  dashboard: {
    title: "Console first load",
    workload:
      "the built console in Chromium: initial JavaScript (gzipped) and the Errors page with 10,000 problems",
    baseline: "React rendering one element (JS); the same page over an empty store (load time)",
    target: "initial JS ≤ 300 kB; Errors page ready ≤ 1 s",
  },
  sync: {
    title: "Sync throughput at QBO's limits",
    workload:
      "2,000 customers (200 sites) and 10,000 invoices into an empty emulated company at QBO's limits (500 req/min, 40 batches/min of 30, 10 in flight), time-scaled",
    baseline: "one create per record in sequence, as a typical node-quickbooks integration does",
    target: "wall time ≤ 1.10 × the theoretical minimum those limits allow, 0 × 429, 0 duplicates",
  },
  chaos: {
    title: "Chaos run",
    workload:
      "customers and invoices synced while the emulator answers 5% 429, 1% 500, 1% 503, 0.5% timeouts, 0.5% dropped connections, revokes the grant once and closes the books mid-run; the runner is SIGKILLed at random moments",
    baseline: "none (no other integration runs through the same faults)",
    target:
      "every pass: 0 duplicates, 0 lost, 0 records differing, 0 crashes, every missing record an open problem with a fix",
  },
  scale: {
    title: "Scale-out: workers sharing one PostgreSQL",
    workload:
      "many companies, each its own emulated QBO company, synced by 1, 2 (and 4) worker processes through the pg-boss queue with QBO limits shared in the database",
    baseline: "the 1-worker run of the same invocation",
    target: "no realm over QBO's limits (≤ 1.0 of 500 req/min and 40 batches/min), 0 × 429",
  },
  soak: {
    title: "Soak",
    workload:
      "the server with scheduled syncs for 50 companies against the emulator and records changing continuously",
    baseline: "the first minute of the same run (the trend is measured against it)",
    target:
      "RSS, event-loop lag and open handles flat (slope under the stated bound), error rate not drifting",
  },
};

const order = [
  "sync",
  "chaos",
  "soak",
  "scale",
  "throttle",
  "emulator",
  "ingest",
  "match",
  "api",
  "dashboard",
];

function fmt(n: number | null): string {
  if (n === null) return "—";
  if (Number.isInteger(n)) return n.toLocaleString("en-US");
  const abs = Math.abs(n);
  return abs >= 100
    ? n.toFixed(1)
    : abs >= 1
      ? n.toFixed(3).replace(/0+$/, "").replace(/\.$/, "")
      : n.toPrecision(3);
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * One row per figure that has a target or a baseline: the value's bar against the baseline's, each row on
 * its own scale (units differ), with the target as a vertical mark. Green = met, red = missed.
 */
function chart(r: Result): string | undefined {
  const rows = r.figures.filter((f) => f.target !== null || f.baseline !== null);
  if (rows.length === 0) return undefined;
  const labelW = 360;
  const barW = 320;
  const rowH = 46;
  const width = labelW + barW + 130;
  const height = 30 + rows.length * rowH + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="18" font-weight="bold">${esc(about[r.name]?.title ?? r.name)}</text>`,
    `<text x="${labelW}" y="18" fill="#555">■ value <tspan fill="#999">■ baseline</tspan> | target</text>`,
  ];
  rows.forEach((f, i) => {
    const y = 30 + i * rowH;
    const max = Math.max(Math.abs(f.value), Math.abs(f.baseline ?? 0), Math.abs(f.target ?? 0)) || 1;
    const w = (v: number) => Math.max(1, (Math.abs(v) / max) * barW);
    const verdict = met(f);
    const colour = verdict === null ? "#4a78b5" : verdict ? "#2e8b57" : "#c0392b";
    const label = f.name.length > 58 ? `${f.name.slice(0, 57)}…` : f.name;
    parts.push(`<text x="8" y="${y + 14}">${esc(label)}</text>`);
    parts.push(`<text x="8" y="${y + 30}" fill="#777">${esc(f.unit.slice(0, 60))}</text>`);
    parts.push(`<rect x="${labelW}" y="${y + 4}" width="${w(f.value)}" height="14" fill="${colour}"/>`);
    parts.push(`<text x="${labelW + w(f.value) + 4}" y="${y + 15}">${esc(fmt(f.value))}</text>`);
    if (f.baseline !== null) {
      parts.push(`<rect x="${labelW}" y="${y + 21}" width="${w(f.baseline)}" height="10" fill="#bbb"/>`);
      parts.push(
        `<text x="${labelW + w(f.baseline) + 4}" y="${y + 30}" fill="#777">${esc(fmt(f.baseline))}</text>`,
      );
    }
    if (f.target !== null) {
      const x = labelW + (Math.abs(f.target) / max) * barW;
      parts.push(`<line x1="${x}" x2="${x}" y1="${y}" y2="${y + 36}" stroke="#000" stroke-width="2"/>`);
    }
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

function load(): { results: Result[]; runAll: RunAll | undefined } {
  const results: Result[] = [];
  for (const f of readdirSync(resultsDir)) {
    if (!f.endsWith(".json") || f === "run-all.json") continue;
    results.push(JSON.parse(readFileSync(join(resultsDir, f), "utf8")) as Result);
  }
  results.sort((a, b) => {
    const ia = order.indexOf(a.name);
    const ib = order.indexOf(b.name);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.name.localeCompare(b.name);
  });
  const runAllFile = join(resultsDir, "run-all.json");
  const runAll = existsSync(runAllFile)
    ? (JSON.parse(readFileSync(runAllFile, "utf8")) as RunAll)
    : undefined;
  return { results, runAll };
}

export function renderReport(): string {
  const { results, runAll } = load();
  const out: string[] = [];
  const ranNow = new Set((runAll?.benches ?? []).filter((b) => b.exitCode !== null).map((b) => b.name));
  const load1 = (l: number[] | undefined) => (l ? l.map((x) => x.toFixed(2)).join(" / ") : "?");
  out.push("# Benchmarks", "");
  out.push(
    "Generated by `npm run bench` (bench/run-all.js runs every bench/*.ts at the sizes below, then",
    "bench/render-report.ts writes this file from bench/results/*.json). Targets are the issues' own;",
    "a figure that misses its target is shown as **MISSED**, never with a loosened target. The baseline",
    "is measured in the same run as the figure; ratio = value / baseline.",
    "",
  );
  if (runAll) {
    const all = Object.values(runAll.loadAverage.perBench).flat();
    const mean = all.length > 0 ? all.reduce((a, b) => a + b, 0) / all.length : NaN;
    out.push(
      `**Machine:** ${runAll.machine}; load average (1 / 5 / 15 min) ${load1(runAll.loadAverage.atStart)} at the start, ` +
        `${load1(runAll.loadAverage.atEnd)} at the end, mean 1-minute load ${mean.toFixed(1)} while the benches ran, ` +
        `on ${runAll.cpus} cores shared with other engineers' builds and tests (figures that depend on CPU time are pessimistic).`,
      "",
      `**Run:** commit ${runAll.commit ?? "unknown"}, ${runAll.startedAt} → ${runAll.finishedAt}, ${Math.round(
        runAll.benches.reduce((a, b) => a + b.seconds, 0),
      )} s of benches.`,
      "",
      "| bench | size in this run | seconds | exit | 1-min load during |",
      "|---|---|---:|---:|---:|",
    );
    for (const b of runAll.benches) {
      const l = runAll.loadAverage.perBench[b.name];
      out.push(
        `| ${b.name} | ${b.size} | ${Math.round(b.seconds)} | ${b.exitCode ?? "not run"} | ${l ? l.map((x) => x.toFixed(1)).join(" → ") : "—"} |`,
      );
    }
    out.push("");
  }

  const missed: string[] = [];
  for (const r of results) {
    for (const f of r.figures) if (met(f) === false) missed.push(`${r.name}: ${f.name}`);
  }
  out.push("## Summary", "");
  const metCount = results.flatMap((r) => r.figures).filter((f) => met(f) === true).length;
  out.push(
    `${metCount} figures met their target, ${missed.length} missed${missed.length ? ":" : "."}`,
    ...missed.map((m) => `- **MISSED** — ${m}`),
    "",
  );

  for (const r of results) {
    const a = about[r.name];
    out.push(`## ${a?.title ?? r.name} (\`bench/${r.name}.ts\`)`, "");
    if (a) {
      out.push(
        `- **Workload:** ${a.workload}.`,
        `- **Baseline:** ${a.baseline}.`,
        `- **Target:** ${a.target}.`,
      );
    }
    const stale = runAll !== undefined && !ranNow.has(r.name);
    out.push(
      `- **Measured:** ${r.date} on ${r.machine}${stale ? " — **not re-run by the last `npm run bench`** (figures from an earlier run)" : ""}.`,
      "",
    );
    out.push(
      "| figure | value | target | baseline (same run) | ratio | verdict |",
      "|---|---:|---:|---:|---:|---|",
    );
    for (const f of r.figures) {
      const v = met(f);
      const target = f.target === null ? "—" : `${f.better === "higher" ? "≥" : "≤"} ${fmt(f.target)}`;
      out.push(
        `| ${f.name} | ${fmt(f.value)} ${f.unit} | ${target} | ${fmt(f.baseline)} | ${fmt(f.ratio)} | ${v === null ? "" : v ? "met" : "**MISSED**"} |`,
      );
    }
    const svg = chart(r);
    if (svg) {
      writeFileSync(join(resultsDir, `${r.name}.svg`), svg);
      out.push("", `![${a?.title ?? r.name}](bench/results/${r.name}.svg)`);
    }
    out.push("");
  }
  return out.join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(join(root, "BENCHMARKS.md"), renderReport());
  console.log(`wrote ${join(root, "BENCHMARKS.md")}`);
}
