import { categoryForQboCode, type ErrorCategory } from "@ledgerlink/core";

/** One error inside a QBO fault (a fault can carry several). */
export interface QboErrorItem {
  code: string;
  message: string;
  detail?: string;
  element?: string;
}

export interface QboErrorInit {
  message: string;
  category: ErrorCategory;
  code?: string | undefined;
  detail?: string | undefined;
  element?: string | undefined;
  intuitTid?: string | undefined;
  status?: number | undefined;
  errors?: QboErrorItem[];
  cause?: unknown;
}

/**
 * Base of every connector failure. The sync engine reads `category`, `code`, `message`, `detail`
 * and `element` off it (core's classifyFailure), so those names are part of the contract.
 */
export abstract class QboError extends Error {
  abstract override readonly name: string;
  readonly category: ErrorCategory;
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly element: string | undefined;
  /** Intuit's transaction id (`intuit_tid` response header): what Intuit support asks for. */
  readonly intuitTid: string | undefined;
  /** HTTP status, when there was a response. */
  readonly status: number | undefined;
  /** Every error of the fault, the first of which also fills code/message/detail/element. */
  readonly errors: readonly QboErrorItem[];
  /** How many tries the client made before giving up with this error (set by the client's retry loop). */
  attempts = 1;
  /**
   * An earlier try of the same call went unanswered (a timeout, a lost connection, a 5xx), so QBO may
   * have carried the call out even though this, the last answer, says it did not run (a 401, a 429).
   */
  earlierTryMayHaveRun = false;

  constructor(init: QboErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.category = init.category;
    this.code = init.code;
    this.detail = init.detail;
    this.element = init.element;
    this.intuitTid = init.intuitTid;
    this.status = init.status;
    this.errors = init.errors ?? [];
  }
}

/** A QBO fault: validation (400), business rule, not found, stale object, system fault (5xx). */
export class QboFaultError extends QboError {
  override readonly name = "QboFaultError" as const;
  /** QBO's fault type, e.g. ValidationFault, SystemFault. */
  readonly faultType: string | undefined;

  constructor(
    init: Omit<QboErrorInit, "category"> & { category?: ErrorCategory; faultType?: string | undefined },
  ) {
    super({ ...init, category: init.category ?? categoryForQboCode(init.code) });
    this.faultType = init.faultType;
  }
}

export type QboAuthReason =
  /** The access token was refused (expired or revoked): refreshing may fix it. */
  | "unauthorized"
  /** The app is not allowed to do this (403, code 3100). */
  | "forbidden"
  /** The grant is gone (invalid_grant, revoked, never connected): a person must reconnect. */
  | "needs-reconnect";

export class QboAuthError extends QboError {
  override readonly name = "QboAuthError" as const;
  readonly reason: QboAuthReason;

  constructor(init: Omit<QboErrorInit, "category"> & { reason: QboAuthReason }) {
    super({ ...init, category: "auth" });
    this.reason = init.reason;
  }
}

/** HTTP 429 / code 3001. */
export class QboRateLimitError extends QboError {
  override readonly name = "QboRateLimitError" as const;
  /** From `Retry-After`, when QBO sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(init: Omit<QboErrorInit, "category"> & { retryAfterMs?: number | undefined }) {
    super({ ...init, code: init.code ?? "3001", category: "throttled" });
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** No usable HTTP response: connection refused/reset, DNS, timeout. */
export class QboNetworkError extends QboError {
  override readonly name = "QboNetworkError" as const;
  readonly timedOut: boolean;
  /** The time allowed per try, when it ran out (`timedOut`). */
  readonly timeoutMs: number | undefined;
  /** Nothing listened at QuickBooks' address (ECONNREFUSED). */
  readonly refused: boolean;

  constructor(
    init: Omit<QboErrorInit, "category"> & { timedOut?: boolean; timeoutMs?: number; refused?: boolean },
  ) {
    super({ ...init, category: "transient" });
    this.timedOut = init.timedOut ?? false;
    this.timeoutMs = init.timeoutMs;
    this.refused = init.refused ?? false;
  }
}

/** A response that is neither a success nor a recognisable fault (e.g. an HTML page from a proxy). */
export class QboUnexpectedResponseError extends QboError {
  override readonly name = "QboUnexpectedResponseError" as const;

  constructor(init: Omit<QboErrorInit, "category">) {
    super({ ...init, category: init.status !== undefined && init.status >= 500 ? "transient" : "other" });
  }
}

/** The caller passed something the connector cannot send; `element` names the field. */
export class QboInputError extends QboError {
  override readonly name = "QboInputError" as const;

  constructor(message: string, element?: string) {
    super({ message, element, category: "invalid-data" });
  }
}

export const isQboError = (e: unknown): e is QboError => e instanceof QboError;

/**
 * Did QBO possibly carry the call out? A network failure, timeout or 5xx leaves it unknown; any other
 * error is QBO's refusal, made before anything was written.
 */
export function mayHaveRun(err: QboError): boolean {
  if (err instanceof QboNetworkError) return true;
  if (err instanceof QboUnexpectedResponseError) return err.status === undefined || err.status >= 500;
  if (err instanceof QboFaultError) return err.status !== undefined && err.status >= 500;
  return false;
}
