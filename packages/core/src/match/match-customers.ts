import { forEachCandidatePair } from "./blocking.js";
import { PATTERN_COUNT, comparePair, decodePattern } from "./field-comparison.js";
import type { MatchRecord } from "./match-record.js";
import { type MatchPolicy, DEFAULT_MATCH_POLICY, checkMatchPolicy } from "./match-policy.js";
import { MIN_PAIRS_TO_ESTIMATE, defaultMatchWeights } from "./default-match-weights.js";
import { type MatchWeights, estimateU, estimateWeights } from "./match-weights.js";
import { PairBuffer } from "./pair-buffer.js";
import { PairScorer } from "./pair-scorer.js";
import { type PreparedRecords, prepareRecords } from "./prepared-records.js";

/** A link already made (by a person or an earlier run): never re-matched. */
export interface ExistingLink {
  localId: string;
  qboId: string;
}

export type MatchBand = "link" | "review" | "new";

/** What to do with one local customer. */
export interface MatchProposal {
  localId: string;
  /** The QBO customer proposed (link, review) or already linked; absent for "new". */
  qboId?: string;
  band: MatchBand;
  /** Match probability in [0, 1], rounded to 4 places (for "new", the best candidate's). */
  score: number;
  /** Why, in words a person can check, strongest evidence first. */
  reasons: string[];
}

export interface MatchStats {
  localCount: number;
  qboCount: number;
  /** Distinct candidate pairs scored after blocking. */
  pairsCompared: number;
  link: number;
  review: number;
  new: number;
  alreadyLinked: number;
}

export interface MatchResult {
  /** One per local customer, parents before their children. */
  decisions: MatchProposal[];
  stats: MatchStats;
  /** The Fellegi–Sunter parameters used (estimated from this data unless given). */
  weights: MatchWeights;
  /** Where they came from: given by the caller, estimated from this data, or the defaults (too few pairs). */
  weightsSource: "given" | "estimated" | "default";
}

export interface MatchOptions {
  policy?: MatchPolicy;
  links?: readonly ExistingLink[];
  /** Weights to use instead of estimating them from the data (e.g. learned from an earlier run). */
  weights?: MatchWeights;
  /** Fewer candidate pairs than this and the default weights are used (default MIN_PAIRS_TO_ESTIMATE). */
  minPairsToEstimate?: number;
  /**
   * Told how many local customers have been compared with their candidates so far (about every 1%,
   * and once at the end with done = total), for a progress display. Comparing is most of the work.
   */
  onProgress?: (done: number, total: number) => void;
}

function indexIds(records: readonly MatchRecord[], side: string): Map<string, number> {
  const byId = new Map<string, number>();
  records.forEach((r, i) => {
    if (typeof r.id !== "string" || r.id === "")
      throw new Error(`${side} customer #${i + 1} has no id (field id)`);
    if (byId.has(r.id)) throw new Error(`${side} customer id "${r.id}" appears twice (field id)`);
    byId.set(r.id, i);
  });
  return byId;
}

function parentIndexes(records: readonly MatchRecord[], byId: Map<string, number>): Int32Array {
  const parent = new Int32Array(records.length).fill(-1);
  records.forEach((r, i) => {
    if (r.parentId !== undefined) parent[i] = byId.get(r.parentId) ?? -1;
  });
  return parent;
}

function depths(parent: Int32Array): Int32Array {
  const depth = new Int32Array(parent.length).fill(-1);
  for (let i = 0; i < parent.length; i++) {
    let d = 0;
    let k = i;
    // Walk up at most n steps, so a parent cycle (reported by validation) cannot loop forever.
    while (parent[k]! >= 0 && d < parent.length) {
      k = parent[k]!;
      d++;
    }
    depth[i] = d;
  }
  return depth;
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/** Something besides the name agrees: the email, the phone or the street address. */
function corroborated(code: number): boolean {
  const [, email, phone, street] = decodePattern(code);
  return email <= 1 || phone <= 1 || street <= 1;
}

/** The same name after normalising, and no field that disagrees (email, phone, street, postcode). */
function sameNameUncontradicted(code: number): boolean {
  const [name, email, phone, street, postcode] = decodePattern(code);
  return name === 0 && email !== 2 && phone !== 2 && street !== 2 && postcode !== 1;
}

/**
 * Matches the app's customers to QBO's one-to-one. Pairs come from blocking, are scored with
 * Fellegi–Sunter weights estimated from the data, then assigned greedily by score, parents before
 * children: a child is only linked under the QBO customer its parent is linked to. Already-linked
 * customers keep their link and take no part in matching.
 */
export function matchCustomers(
  local: readonly MatchRecord[],
  qbo: readonly MatchRecord[],
  options: MatchOptions = {},
): MatchResult {
  const policy = checkMatchPolicy(options.policy ?? DEFAULT_MATCH_POLICY);
  const localById = indexIds(local, "local");
  const qboById = indexIds(qbo, "QBO");
  const nL = local.length;
  const nR = qbo.length;

  const leftMatch = new Int32Array(nL).fill(-1);
  const rightOwner = new Int32Array(nR).fill(-1);
  const band = new Uint8Array(nL); // 0 new, 1 review, 2 link, 3 already linked
  const linkedElsewhere = new Map<number, string>(); // local index → qboId of a link to a QBO customer not in `qbo`
  for (const link of options.links ?? []) {
    const i = localById.get(link.localId);
    if (i === undefined) continue;
    const j = qboById.get(link.qboId);
    band[i] = 3;
    if (j === undefined) linkedElsewhere.set(i, link.qboId);
    else {
      leftMatch[i] = j;
      rightOwner[j] = i;
    }
  }
  for (const link of options.links ?? []) {
    const j = qboById.get(link.qboId);
    if (j !== undefined && rightOwner[j] === -1) rightOwner[j] = nL; // linked to a local customer not given here
  }

  const p: PreparedRecords = prepareRecords([...local, ...qbo]);
  const L = { start: 0, end: nL };
  const R = { start: nL, end: nL + nR };

  const candidates = new PairBuffer();
  const patternCounts = new Float64Array(PATTERN_COUNT);
  const onProgress = options.onProgress;
  const step = Math.max(1, Math.floor(nL / 100));
  let reported = 0;
  onProgress?.(0, nL);
  const { pairsCompared } = forEachCandidatePair(p, L, R, (i, j) => {
    // Pairs come left record by left record, so reaching record i means those before it are done.
    if (onProgress !== undefined && i - reported >= step) {
      reported = i;
      onProgress(i, nL);
    }
    if (band[i] === 3 || rightOwner[j - nL] !== -1) return;
    const code = comparePair(p, i, j);
    patternCounts[code]! += 1;
    candidates.push(i, j - nL, code);
  });
  // Too few candidate pairs to estimate from: the documented defaults do better than a shaky estimate.
  const weightsSource: MatchResult["weightsSource"] =
    options.weights !== undefined
      ? "given"
      : candidates.length < (options.minPairsToEstimate ?? MIN_PAIRS_TO_ESTIMATE)
        ? "default"
        : "estimated";
  const weights =
    options.weights ??
    (weightsSource === "default"
      ? defaultMatchWeights(nL, nR)
      : estimateWeights(patternCounts, estimateU(p, L, R), nL * nR));
  const scorer = new PairScorer(p, weights);

  const bestScore = new Float64Array(nL);
  const edges = new PairBuffer();
  for (let k = 0; k < candidates.length; k++) {
    const i = candidates.left[k]!;
    const s = scorer.score(i, candidates.score[k]!);
    if (s > bestScore[i]!) bestScore[i] = s;
    // The same name with nothing against it is never created new, whatever it scores: that would put
    // a second copy of the customer into QBO under another spelling. A person decides.
    if (s >= policy.reviewAt || sameNameUncontradicted(candidates.score[k]!))
      edges.push(i, candidates.right[k]!, s);
  }

  const leftParent = parentIndexes(local, localById);
  const rightParent = parentIndexes(qbo, qboById);
  const leftDepth = depths(leftParent);
  const score = new Float64Array(nL);
  const note = new Map<number, string>();
  // Parents before children; within a depth, pairs whose tree position agrees (both top-level, or
  // both sub-customers) before a top-level customer paired with a QBO sub-customer or the reverse.
  const order = edges.order(
    (k) =>
      leftDepth[edges.left[k]!]! * 2 +
      (leftParent[edges.left[k]!]! < 0 === rightParent[edges.right[k]!]! < 0 ? 0 : 1),
  );
  for (const k of order) {
    const i = edges.left[k]!;
    const j = edges.right[k]!;
    const s = edges.score[k]!;
    if (leftMatch[i] !== -1 || band[i] === 3) continue;
    if (rightOwner[j] !== -1) {
      if (!note.has(i)) {
        const owner = rightOwner[j]!;
        note.set(
          i,
          `best candidate ${qbo[j]!.id} (${round(s)}) went to ${owner < nL ? `local ${local[owner]!.id}, a better match` : "an existing link"}`,
        );
      }
      continue;
    }
    let cap = 2;
    let why: string | undefined;
    const lp = leftParent[i]!;
    const rp = rightParent[j]!;
    if (lp >= 0) {
      const parentMatch = leftMatch[lp]!;
      if (parentMatch >= 0) {
        if (rp !== parentMatch) {
          if (!note.has(i))
            note.set(
              i,
              `candidate ${qbo[j]!.id} is not under ${qbo[parentMatch]!.id}, the QBO match of parent ${local[lp]!.id}`,
            );
          continue;
        }
        if (band[lp]! < 2) {
          cap = 1;
          why = `held for review: parent ${local[lp]!.id} is itself in review`;
        } else why = `under ${qbo[parentMatch]!.id}, linked to parent ${local[lp]!.id}`;
      } else if (band[lp] === 3 && linkedElsewhere.has(lp)) {
        cap = 1;
        why = `held for review: parent ${local[lp]!.id} is linked to QBO ${linkedElsewhere.get(lp)!}, not given here`;
      } else {
        cap = 1;
        why = `held for review: parent ${local[lp]!.id} has no QBO match`;
      }
    } else if (rp >= 0) {
      cap = 1;
      why = `held for review: QBO ${qbo[j]!.id} is a sub-customer of ${qbo[rp]!.id}, local ${local[i]!.id} is top-level`;
    }
    // Never link on a name alone: a top-level pair links only when an email, phone or street address
    // agrees too. (A site under its parent's link has that link as its corroboration.)
    if (cap === 2 && lp < 0 && !corroborated(comparePair(p, i, nL + j))) {
      cap = 1;
      why = "held for review: only the name agrees (no email, phone or street address confirms it)";
    } else if (why === undefined && s < policy.reviewAt) {
      why = "held for review: same name, and nothing else to compare";
    }
    leftMatch[i] = j;
    rightOwner[j] = i;
    score[i] = s;
    band[i] = Math.min(cap, s >= policy.linkAt ? 2 : 1);
    if (why !== undefined) note.set(i, why);
    else note.delete(i);
  }

  const stats: MatchStats = {
    localCount: nL,
    qboCount: nR,
    pairsCompared,
    link: 0,
    review: 0,
    new: 0,
    alreadyLinked: 0,
  };
  const decisions: MatchProposal[] = [];
  const placed = new Uint8Array(nL);
  const emit = (i: number): void => {
    if (placed[i]) return;
    placed[i] = 1;
    const lp = leftParent[i]!;
    if (lp >= 0 && leftDepth[lp]! < leftDepth[i]!) emit(lp);
    const id = local[i]!.id;
    const j = leftMatch[i]!;
    const extra = note.get(i);
    if (band[i] === 3) {
      stats.alreadyLinked++;
      decisions.push({
        localId: id,
        qboId: j >= 0 ? qbo[j]!.id : linkedElsewhere.get(i)!,
        band: "link",
        score: 1,
        reasons: ["already linked"],
      });
    } else if (j >= 0) {
      const b: MatchBand = band[i] === 2 ? "link" : "review";
      stats[b]++;
      const reasons = scorer.explain(i, nL + j);
      if (extra !== undefined) reasons.push(extra);
      decisions.push({ localId: id, qboId: qbo[j]!.id, band: b, score: round(score[i]!), reasons });
    } else {
      stats.new++;
      const best = bestScore[i]!;
      const reasons =
        extra !== undefined
          ? [extra]
          : best > 0
            ? [`best candidate scored ${round(best)}, below the review threshold ${policy.reviewAt}`]
            : ["no QBO customer shares a phone, email, name or address"];
      decisions.push({ localId: id, band: "new", score: round(best), reasons });
    }
  };
  for (let i = 0; i < nL; i++) emit(i);
  onProgress?.(nL, nL);
  return { decisions, stats, weights, weightsSource };
}
