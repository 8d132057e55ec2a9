/**
 * What a resolution action refuses with. Each names the record (`ref`, e.g. `C:1042`, or `QBO-C:58` for
 * a QBO customer) so an HTTP handler or the console can say which one; nothing was written.
 */

/** A customer, review item or merge this company does not have (`field` is the input that named it). */
export class ReviewNotFoundError extends Error {
  override readonly name = "ReviewNotFoundError";
  constructor(
    readonly ref: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export type ReviewConflictReason =
  /** The QBO customer is already linked to another local customer (one-to-one). */
  | "qbo-already-linked"
  /** The local customer is already linked to a QBO customer. */
  | "local-already-linked"
  /** The pair is linked: it cannot be rejected before it is unlinked. */
  | "pair-linked"
  /** The review item was already resolved. */
  | "item-resolved"
  /** Another customer already has the name. */
  | "name-taken"
  /** The merge was already undone. */
  | "merge-undone"
  /** A row the action touches changed since it was read or merged, so it cannot be applied exactly. */
  | "changed-since";

/** The action is valid but the data disagrees with it (already linked, already resolved, changed since). */
export class ReviewConflictError extends Error {
  override readonly name = "ReviewConflictError";
  constructor(
    readonly ref: string,
    readonly reason: ReviewConflictReason,
    message: string,
  ) {
    super(message);
  }
}

/** Bad input: `field` is the input at fault, `ref` the record it was about. */
export class ReviewInputError extends Error {
  override readonly name = "ReviewInputError";
  constructor(
    readonly ref: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
