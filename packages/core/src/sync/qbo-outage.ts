/**
 * QuickBooks could not be reached: what it did (answered with a server error, did not answer in time,
 * refused or dropped the connection, kept throttling) after the connector's last try. Built by the
 * connector from its typed errors; the engine turns it into the run's note in plain words.
 */
export type QboOutage =
  | { kind: "status"; status: number; attempts: number }
  | { kind: "timeout"; timeoutMs: number; attempts: number }
  | { kind: "refused"; attempts: number }
  | { kind: "network"; attempts: number }
  | { kind: "throttled"; attempts: number };

/** A run that QuickBooks did not answer: during the pull (nothing sent) or while sending. */
export type QboUnreachable = QboOutage & { during: "pull" | "send" };

const reasonPhrases: Readonly<Record<number, string>> = {
  408: "Request Timeout",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

const tries = (n: number): string => (n === 1 ? "after 1 try" : `after ${n} tries`);

/**
 * "QuickBooks answered 503 Service Unavailable, after 5 tries" ("it answered …" with `subject` "it").
 * Built from the outage's fields only, never from an error's text, which may hold anything.
 */
export function outageText(o: QboOutage, subject = "QuickBooks"): string {
  switch (o.kind) {
    case "status": {
      const phrase = reasonPhrases[o.status];
      return `${subject} answered ${o.status}${phrase ? ` ${phrase}` : ""}, ${tries(o.attempts)}`;
    }
    case "timeout": {
      const s = o.timeoutMs / 1000;
      return `${subject} did not answer within ${s >= 10 ? Math.round(s) : Number(s.toPrecision(2))} s, ${tries(o.attempts)}`;
    }
    case "refused":
      return `${subject} refused the connection, ${tries(o.attempts)}`;
    case "network":
      return `the connection ${subject === "QuickBooks" ? "to QuickBooks " : ""}failed, ${tries(o.attempts)}`;
    case "throttled":
      return `${subject} kept asking us to slow down (429 Too Many Requests), ${tries(o.attempts)}`;
  }
}

const recordsWaiting = (n: number): string => (n === 1 ? "The 1 record waiting" : `The ${n} records waiting`);

/** The note of a run whose calls QuickBooks did not answer. */
export function unreachableNote(o: QboOutage, waiting: number, someGotThrough: boolean): string {
  const head = someGotThrough
    ? `Some calls got through, then QuickBooks could not be reached: ${outageText(o, "it")}.`
    : `QuickBooks could not be reached: ${outageText(o, "it")}.`;
  const tail =
    waiting === 0
      ? ""
      : ` ${recordsWaiting(waiting)} will be sent again on the next sync, with nothing duplicated` +
        " (QuickBooks recognises any it already received).";
  return head + tail;
}

/** The note of a run whose pull (reading QuickBooks' changes) failed, so that nothing was sent. */
export function pullFailedNote(o: QboOutage, waiting: number): string {
  const tail =
    waiting > 0
      ? ` ${recordsWaiting(waiting)} from an earlier sync will be sent again on the next sync, with nothing duplicated.`
      : " Everything waiting will be sent on the next sync.";
  return `Could not read QuickBooks' changes: ${outageText(o)}; nothing was sent.${tail}`;
}

/**
 * A dry run (a plan, nothing sent) whose pull QuickBooks did not answer: there is nothing to plan from,
 * and a dry run records no run to carry the note, so the caller gets it as this error.
 */
export class QboUnreachableError extends Error {
  override readonly name = "QboUnreachableError";
  constructor(readonly outage: QboOutage) {
    super(`Could not read QuickBooks' changes: ${outageText(outage)}; nothing was planned. Try again later.`);
  }
}
