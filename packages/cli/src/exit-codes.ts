// Cheap to load (every run reads it): the classes a failure is mapped by are in exit-code-of.ts.

/** The documented exit codes of every `ledgerlink` verb (also printed by `ledgerlink --help`). */
export const exitCodes = {
  ok: 0,
  /** The verb ran, and found errors (e.g. records that could not sync, open problems listed). */
  errorsFound: 1,
  /** Bad flags, configuration or input (an unknown error id, a fix the problem does not offer). */
  usage: 2,
  /** The QBO connection needs the user to reconnect (`ledgerlink connect`). */
  needsReconnect: 3,
  /** Something unexpected failed. */
  failure: 4,
  /** Refused: the data disagrees with the action (already resolved, already linked, a sync running). */
  conflict: 5,
  /**
   * QuickBooks could not be reached (5xx, no answer in time, connection refused, after the retries): the
   * run is recorded with a note, nothing is lost or duplicated, and the next sync sends what waits.
   * Worth retrying later, unlike 1 (records to fix) or 4 (a fault to report).
   */
  qboUnreachable: 6,
} as const;

/** The exit-code table for `ledgerlink --help`. */
export const exitCodeHelp = `Exit codes:
  0  ok
  1  errors found (records that could not sync, open problems listed)
  2  bad usage: unknown flag, bad configuration or input
  3  QuickBooks needs reconnecting (run \`ledgerlink connect\`)
  4  unexpected failure
  5  refused: the data disagrees (already resolved or linked, a sync is running)
  6  QuickBooks could not be reached (down, not answering, refusing connections);
     nothing is lost or duplicated: sync again later`;

/** Bad flags, a bad mapping or unreadable input: the user must change the command (exit 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
