// Customer matching at 10k×10k and 100k×100k generated customers, against the exact-DisplayName
// matching today's products do, measured in the same run. Run: node bench/dist/match.js
import {
  forEachCandidatePair,
  generateSyntheticCustomers,
  matchCustomers,
  prepareRecords,
  type MatchRecord,
} from "@ledgerlink/core";
import { type Figure, writeResult } from "./write-result.js";

interface Quality {
  precision: number;
  recall: number;
  f1: number;
  linkPrecision: number;
  linkRecall: number;
}

function quality(
  proposed: { localId: string; qboId: string; auto: boolean }[],
  truth: Map<string, string>,
): Quality {
  let tp = 0;
  let fp = 0;
  let linkTp = 0;
  let linkFp = 0;
  for (const d of proposed) {
    const ok = truth.get(d.localId) === d.qboId;
    if (ok) tp++;
    else fp++;
    if (d.auto) {
      if (ok) linkTp++;
      else linkFp++;
    }
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, truth.size);
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    linkPrecision: linkTp / Math.max(1, linkTp + linkFp),
    linkRecall: linkTp / Math.max(1, truth.size),
  };
}

/** The baseline: link when the DisplayName is exactly equal, first come first served, one-to-one. */
function exactDisplayName(
  local: readonly MatchRecord[],
  qbo: readonly MatchRecord[],
): { localId: string; qboId: string; auto: boolean }[] {
  const byName = new Map<string, string[]>();
  for (const q of qbo) {
    const list = byName.get(q.name);
    if (list === undefined) byName.set(q.name, [q.id]);
    else list.push(q.id);
  }
  const out: { localId: string; qboId: string; auto: boolean }[] = [];
  for (const l of local) {
    const qboId = byName.get(l.name)?.shift();
    if (qboId !== undefined) out.push({ localId: l.id, qboId, auto: true });
  }
  return out;
}

function blockingRecall(
  local: readonly MatchRecord[],
  qbo: readonly MatchRecord[],
  truth: Map<string, string>,
): number {
  const all = [...local, ...qbo];
  const p = prepareRecords(all);
  const index = new Map(all.map((r, i) => [r.id, i]));
  const wanted = new Map<number, number>();
  for (const [l, q] of truth) wanted.set(index.get(l)!, index.get(q)!);
  let kept = 0;
  forEachCandidatePair(
    p,
    { start: 0, end: local.length },
    { start: local.length, end: all.length },
    (i, j) => {
      if (wanted.get(i) === j) kept++;
    },
  );
  return kept / Math.max(1, truth.size);
}

const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
const figures: Figure[] = [];

for (const [label, entities, timeTarget] of [
  ["10k×10k", 11_800, null],
  ["100k×100k", 118_000, 20],
] as const) {
  const g = generateSyntheticCustomers({ entities, seed: 2024 });
  const tag = `${label} (${g.local.length}×${g.qbo.length}, ${g.truth.size} true pairs)`;

  const b0 = performance.now();
  const base = exactDisplayName(g.local, g.qbo);
  const baseSeconds = (performance.now() - b0) / 1000;
  const bq = quality(base, g.truth);

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = matchCustomers(g.local, g.qbo);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  const proposed = result.decisions
    .filter((d) => d.qboId !== undefined && d.band !== "new")
    .map((d) => ({ localId: d.localId, qboId: d.qboId!, auto: d.band === "link" }));
  const q = quality(proposed, g.truth);
  const recallOfBlocking = blockingRecall(g.local, g.qbo, g.truth);

  figures.push(
    {
      name: `${tag}: wall time`,
      value: r4(seconds),
      unit: "s",
      target: timeTarget,
      better: "lower",
      baseline: r4(baseSeconds),
    },
    {
      name: `${tag}: CPU time (user+system)`,
      value: r4((cpu.user + cpu.system) / 1e6),
      unit: "s",
      target: null,
      better: "lower",
      baseline: null,
    },
    {
      name: `${tag}: peak memory (process max RSS so far)`,
      value: Math.round(peakMb),
      unit: "MB",
      target: timeTarget === null ? null : 2048,
      better: "lower",
      baseline: null,
    },
    {
      name: `${tag}: pairs compared`,
      value: result.stats.pairsCompared,
      unit: "pairs",
      target: null,
      better: "lower",
      baseline: null,
    },
    {
      name: `${tag}: blocking recall`,
      value: r4(recallOfBlocking),
      unit: "ratio",
      target: 0.995,
      better: "higher",
      baseline: null,
    },
    {
      name: `${tag}: precision (link+review)`,
      value: r4(q.precision),
      unit: "ratio",
      target: null,
      better: "higher",
      baseline: r4(bq.precision),
    },
    {
      name: `${tag}: recall (link+review)`,
      value: r4(q.recall),
      unit: "ratio",
      target: null,
      better: "higher",
      baseline: r4(bq.recall),
    },
    {
      name: `${tag}: F1 (link+review)`,
      value: r4(q.f1),
      unit: "ratio",
      target: 0.98,
      better: "higher",
      baseline: r4(bq.f1),
    },
    {
      name: `${tag}: precision of auto-link band`,
      value: r4(q.linkPrecision),
      unit: "ratio",
      target: 0.995,
      better: "higher",
      baseline: r4(bq.linkPrecision),
    },
    {
      name: `${tag}: recall of auto-link band`,
      value: r4(q.linkRecall),
      unit: "ratio",
      target: null,
      better: "higher",
      baseline: r4(bq.linkRecall),
    },
    {
      name: `${tag}: sent to review`,
      value: result.stats.review,
      unit: "customers",
      target: null,
      better: "lower",
      baseline: null,
    },
  );
}

writeResult("match", figures);
