import { QboUnreachableError, SyncBusyError } from "@ledgerlink/core";
import { QboAuthError, qboOutageOf } from "@ledgerlink/qbo";
import { ApiError, ConfigError, NeedsReconnectError, SecretKeyMissingError } from "@ledgerlink/server";
import {
  LastAdminError,
  RecordEditError,
  ReviewConflictError,
  ReviewInputError,
  ReviewNotFoundError,
  RunNotFoundError,
  UserExistsError,
} from "@ledgerlink/store";
import { exitCodes, UsageError } from "./exit-codes.js";

/** The exit code a failure maps to; `expected` says the failure is the user's to act on, not a fault. */
export function exitCodeOf(err: unknown): { code: number; expected: boolean } {
  if (err instanceof ConfigError || err instanceof UsageError || err instanceof SecretKeyMissingError)
    return { code: exitCodes.usage, expected: true };
  if (err instanceof NeedsReconnectError) return { code: exitCodes.needsReconnect, expected: true };
  // QuickBooks refused the grant, or did not answer (a dry run's pull): the user's to act on, not a fault.
  if (err instanceof QboAuthError && err.reason !== "unauthorized")
    return { code: exitCodes.needsReconnect, expected: true };
  if (err instanceof QboUnreachableError || qboOutageOf(err) !== undefined)
    return { code: exitCodes.qboUnreachable, expected: true };
  if (
    err instanceof SyncBusyError ||
    err instanceof ReviewConflictError ||
    err instanceof UserExistsError ||
    err instanceof LastAdminError
  )
    return { code: exitCodes.conflict, expected: true };
  if (
    err instanceof ReviewNotFoundError ||
    err instanceof ReviewInputError ||
    err instanceof RunNotFoundError
  )
    return { code: exitCodes.usage, expected: true };
  if (err instanceof RecordEditError)
    return {
      code:
        err.reason === "changed-since" || err.reason === "already-linked"
          ? exitCodes.conflict
          : exitCodes.usage,
      expected: true,
    };
  if (err instanceof ApiError) {
    if (err.code === "needs_reconnect" || err.code === "not_connected")
      return { code: exitCodes.needsReconnect, expected: true };
    if (err.status === 409) return { code: exitCodes.conflict, expected: true };
    if (err.status >= 400 && err.status < 500) return { code: exitCodes.usage, expected: true };
  }
  return { code: exitCodes.failure, expected: false };
}
