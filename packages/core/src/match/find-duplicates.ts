import { forEachCandidatePair } from "./blocking.js";
import { PATTERN_COUNT, comparePair } from "./field-comparison.js";
import type { MatchRecord } from "./match-record.js";
import { type MatchPolicy, DEFAULT_MATCH_POLICY, checkMatchPolicy } from "./match-policy.js";
import { type MatchWeights, estimateU, estimateWeights } from "./match-weights.js";
import { PairBuffer } from "./pair-buffer.js";
import { PairScorer } from "./pair-scorer.js";
import { prepareRecords } from "./prepared-records.js";

/** Two records of one side that look like the same customer. */
export interface DuplicatePair {
  a: string;
  b: string;
  score: number;
  reasons: string[];
}

/** A group of records that are, pairwise, likely the same customer. */
export interface DuplicateCluster {
  ids: string[];
  /** The weakest pairwise score inside the cluster: every member matches every other at least this well. */
  score: number;
  pairs: DuplicatePair[];
}

export interface DuplicateResult {
  /** Clusters of two or more records, strongest first. */
  clusters: DuplicateCluster[];
  pairsCompared: number;
  weights: MatchWeights;
}

export interface DuplicateOptions {
  /** Pairs at or above `reviewAt` are duplicate candidates. */
  policy?: MatchPolicy;
  weights?: MatchWeights;
  /** Largest cluster formed (default 50): a safety valve, real duplicate groups are small. */
  maxClusterSize?: number;
}

/**
 * Finds clusters of likely duplicates inside one side (the app's customers, or QBO's). Clustering is
 * complete-linkage rather than transitive closure: two groups merge only when every member of one scores
 * at or above `reviewAt` against every member of the other, so a chain A≈B≈C of small resemblances never
 * joins A and C on its own. A parent and its own sub-customer are never duplicates of each other.
 */
export function findDuplicates(
  records: readonly MatchRecord[],
  options: DuplicateOptions = {},
): DuplicateResult {
  const policy = checkMatchPolicy(options.policy ?? DEFAULT_MATCH_POLICY);
  const maxSize = options.maxClusterSize ?? 50;
  const n = records.length;
  const seenIds = new Set<string>();
  records.forEach((r, i) => {
    if (typeof r.id !== "string" || r.id === "") throw new Error(`customer #${i + 1} has no id (field id)`);
    if (seenIds.has(r.id)) throw new Error(`customer id "${r.id}" appears twice (field id)`);
    seenIds.add(r.id);
  });
  const p = prepareRecords(records);
  const all = { start: 0, end: n };
  const candidates = new PairBuffer();
  const patternCounts = new Float64Array(PATTERN_COUNT);
  const { pairsCompared } = forEachCandidatePair(p, all, all, (i, j) => {
    if (records[i]!.parentId === records[j]!.id || records[j]!.parentId === records[i]!.id) return;
    const code = comparePair(p, i, j);
    patternCounts[code]! += 1;
    candidates.push(i, j, code);
  });
  const weights =
    options.weights ?? estimateWeights(patternCounts, estimateU(p, all, all), (n * (n - 1)) / 2);
  const scorer = new PairScorer(p, weights);

  const edges = new PairBuffer();
  const edgeScore = new Map<number, number>();
  for (let k = 0; k < candidates.length; k++) {
    const i = candidates.left[k]!;
    const j = candidates.right[k]!;
    const s = scorer.score(i, candidates.score[k]!);
    if (s < policy.reviewAt) continue;
    edges.push(i, j, s);
    edgeScore.set(i * n + j, s);
  }
  const pairScore = (i: number, j: number): number => edgeScore.get(i < j ? i * n + j : j * n + i) ?? 0;

  // Agglomerative, strongest pair first; clusterOf[i] indexes `members`.
  const clusterOf = new Int32Array(n).map((_, i) => i);
  const members: number[][] = Array.from({ length: n }, (_, i) => [i]);
  const minScore = new Float64Array(n).fill(1);
  for (const k of edges.order()) {
    const ca = clusterOf[edges.left[k]!]!;
    const cb = clusterOf[edges.right[k]!]!;
    if (ca === cb) continue;
    const A = members[ca]!;
    const B = members[cb]!;
    if (A.length + B.length > maxSize) continue;
    let weakest = Math.min(minScore[ca]!, minScore[cb]!);
    let ok = true;
    for (const a of A) {
      for (const b of B) {
        const s = pairScore(a, b);
        if (s < policy.reviewAt) {
          ok = false;
          break;
        }
        if (s < weakest) weakest = s;
      }
      if (!ok) break;
    }
    if (!ok) continue;
    for (const b of B) {
      A.push(b);
      clusterOf[b] = ca;
    }
    members[cb] = [];
    minScore[ca] = weakest;
  }

  const round = (x: number): number => Math.round(x * 10_000) / 10_000;
  const clusters: DuplicateCluster[] = [];
  members.forEach((m, c) => {
    if (m.length < 2) return;
    m.sort((a, b) => a - b);
    const pairs: DuplicatePair[] = [];
    for (let x = 0; x < m.length; x++) {
      for (let y = x + 1; y < m.length; y++) {
        const a = m[x]!;
        const b = m[y]!;
        pairs.push({
          a: records[a]!.id,
          b: records[b]!.id,
          score: round(pairScore(a, b)),
          reasons: scorer.explain(a, b),
        });
      }
    }
    clusters.push({ ids: m.map((i) => records[i]!.id), score: round(minScore[c]!), pairs });
  });
  clusters.sort((x, y) => y.score - x.score || (x.ids[0]! < y.ids[0]! ? -1 : 1));
  return { clusters, pairsCompared, weights };
}
