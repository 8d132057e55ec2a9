/**
 * What was decided about a local customer and a QBO customer, by a person or by a sync run, as the
 * store keeps it. The sync engine reads the current decisions before it plans:
 *  - `link`: the pair is linked (the link itself lives with the other links);
 *  - `reject`: the pair is not the same customer and is never suggested again;
 *  - `new`: create the local customer in QBO even if a match exists;
 *  - `review`: the pair waits for a person (an open review item);
 *  - `qbo-inactivate`: a QBO-side duplicate staff chose to make inactive (`localId` is "").
 */
export type MatchDecisionKind = "link" | "reject" | "new" | "review" | "qbo-inactivate";

export interface MatchDecision {
  localId: string;
  qboId?: string;
  decision: MatchDecisionKind;
  score?: number;
  reasons?: string[];
  actor: string;
  at: string;
}

/**
 * The decisions in force, from the whole history (oldest first; for the same `at`, the one given
 * later wins). Latest wins per subject:
 *  - a local customer's disposition is its latest `link` or `new`: linking it later ends an earlier
 *    "create new", and the reverse;
 *  - a QBO customer's disposition is its latest `link` or `qbo-inactivate`;
 *  - a `link` stands only while it is the latest disposition of both its customers and the pair was
 *    not rejected after;
 *  - a `reject` stands per pair unless the same pair was linked later;
 *  - a `review` stands per pair unless the pair, its local customer or its QBO customer was decided
 *    later (the store gives open review items here).
 * The result lists rejections, then reviews, then local dispositions (link, new), then QBO
 * inactivations, each group in the order decided: a reader keeping one decision per local customer
 * (last wins) keeps its disposition over a rejection of some other pair.
 */
export function currentMatchDecisions(history: readonly MatchDecision[]): MatchDecision[] {
  const ordered = history
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.at < b.d.at ? -1 : a.d.at > b.d.at ? 1 : a.i - b.i))
    .map((x) => x.d);
  const localLatest = new Map<string, MatchDecision>();
  const qboLatest = new Map<string, MatchDecision>();
  const pairLatest = new Map<string, MatchDecision>();
  const pairKey = (localId: string, qboId: string): string => `${localId}\u0000${qboId}`;
  for (const d of ordered) {
    const q = d.qboId;
    if ((d.decision === "link" || d.decision === "new") && d.localId !== "") localLatest.set(d.localId, d);
    if ((d.decision === "link" || d.decision === "qbo-inactivate") && q !== undefined) qboLatest.set(q, d);
    if ((d.decision === "link" || d.decision === "reject") && q !== undefined)
      pairLatest.set(pairKey(d.localId, q), d);
  }
  const position = new Map(ordered.map((d, i) => [d, i]));
  const decidedAfter = (d: MatchDecision, other: MatchDecision | undefined): boolean =>
    other !== undefined && position.get(other)! > position.get(d)!;

  const out: MatchDecision[] = [];
  for (const d of localLatest.values()) {
    if (d.decision === "new") out.push(d);
    else if (
      d.qboId !== undefined &&
      qboLatest.get(d.qboId) === d &&
      pairLatest.get(pairKey(d.localId, d.qboId)) === d
    )
      out.push(d);
  }
  for (const d of qboLatest.values()) if (d.decision === "qbo-inactivate") out.push(d);
  for (const d of pairLatest.values()) if (d.decision === "reject") out.push(d);
  for (const d of ordered) {
    if (d.decision !== "review" || d.qboId === undefined) continue;
    const superseded =
      decidedAfter(d, pairLatest.get(pairKey(d.localId, d.qboId))) ||
      decidedAfter(d, localLatest.get(d.localId)) ||
      decidedAfter(d, qboLatest.get(d.qboId));
    if (!superseded) out.push(d);
  }
  const group = (d: MatchDecision): number =>
    d.decision === "reject" ? 0 : d.decision === "review" ? 1 : d.decision === "qbo-inactivate" ? 3 : 2;
  return out.sort((a, b) => group(a) - group(b) || position.get(a)! - position.get(b)!);
}
