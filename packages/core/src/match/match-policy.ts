/**
 * A company's thresholds on the match probability: at or above `linkAt` the pair is linked
 * automatically, at or above `reviewAt` it waits for a person, below it the customer is created new.
 */
export interface MatchPolicy {
  linkAt: number;
  reviewAt: number;
}

export const DEFAULT_MATCH_POLICY: MatchPolicy = { linkAt: 0.97, reviewAt: 0.5 };

/** Throws a clear error when a policy is unusable. */
export function checkMatchPolicy(policy: MatchPolicy): MatchPolicy {
  const { linkAt, reviewAt } = policy;
  if (!(reviewAt >= 0 && reviewAt <= 1))
    throw new Error(`match policy reviewAt must be within 0..1 (got ${reviewAt})`);
  if (!(linkAt >= 0 && linkAt <= 1))
    throw new Error(`match policy linkAt must be within 0..1 (got ${linkAt})`);
  if (reviewAt > linkAt)
    throw new Error(`match policy reviewAt (${reviewAt}) must not exceed linkAt (${linkAt})`);
  return policy;
}
