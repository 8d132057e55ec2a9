import { createHash } from "node:crypto";
import { QboInputError } from "./qbo-error.js";

/** The identity of one write: the same identity must always yield the same requestid. */
export interface WriteIdentity {
  companyId: string;
  /** e.g. "create", "update", "delete", "void". */
  operation: string;
  entity: string;
  /** The app's own id of the record (or the QBO Id for operations on QBO-only records). */
  recordId: string;
  /**
   * Bumped whenever the same operation is meant to happen again for real: after the QBO record was
   * deleted (a reused requestid would replay the dead Id), or for each new version of an update.
   */
  generation: number;
}

/** Fits both limits: 50 characters on a plain write, 36 inside a batch. */
export const REQUEST_ID_LENGTH = 36;

/**
 * A requestid derived from the write's identity, so a retry of the same write — by this process
 * after a timeout, or by another worker after a crash — is answered from QBO's cache instead of
 * writing twice. Hashed because identities are longer than QBO allows and may hold any character.
 */
export function requestIdFor(id: WriteIdentity): string {
  for (const key of ["companyId", "operation", "entity", "recordId"] as const) {
    if (typeof id[key] !== "string" || id[key] === "") {
      throw new QboInputError(`requestIdFor: ${key} is required`, key);
    }
  }
  if (!Number.isInteger(id.generation) || id.generation < 0) {
    throw new QboInputError(
      `requestIdFor: generation must be an integer ≥ 0, got ${id.generation}`,
      "generation",
    );
  }
  const digest = createHash("sha256")
    .update(JSON.stringify([id.companyId, id.operation, id.entity, id.recordId, id.generation]))
    .digest("base64url");
  return digest.slice(0, REQUEST_ID_LENGTH);
}
