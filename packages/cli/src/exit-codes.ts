/** The documented exit codes of every `ledgerlink` verb. */
export const exitCodes = {
  ok: 0,
  /** The verb ran, and found errors (e.g. records that could not sync). */
  errorsFound: 1,
  /** Bad flags or configuration. */
  usage: 2,
  /** The QBO connection needs the user to reconnect. */
  needsReconnect: 3,
  /** Something unexpected failed. */
  failure: 4,
} as const;

/** Bad flags, a bad mapping or unreadable input: the user must change the command (exit 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
