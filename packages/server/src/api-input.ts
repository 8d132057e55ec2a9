import { actorHeader, unstorableText, type ApiRoute } from "@ledgerlink/core";
import {
  DeliveryNotFoundError,
  EndpointNotFoundError,
  InvalidCursorError,
  ReviewConflictError,
  ReviewInputError,
  ReviewNotFoundError,
  RunNotFoundError,
} from "@ledgerlink/store";
import { outageText, QboUnreachableError, SyncBusyError } from "@ledgerlink/core";
import { QboAuthError, qboOutageOf } from "@ledgerlink/qbo";
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "./api-error.js";
import { principalOf } from "./auth/principal.js";
import { NeedsReconnectError } from "./sync-company.js";

/** `refs[3].id` from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out;
}

/**
 * Parses one part of a request with its contract schema; a 400 naming the field otherwise
 * (`details.field`: `limit`, `refs[2]`, or `(body)` when the body as a whole is wrong).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  part: "path" | "query" | "body",
): z.output<S> {
  // Text PostgreSQL cannot hold (a NUL, half a character) would otherwise surface as a 500 on write.
  const bad = findUnstorableText(value, []);
  if (bad) {
    const field = fieldPath(bad.path) || `(${part})`;
    throw new ApiError(400, "invalid_request", `${part} ${field}: ${bad.reason}`, { field, in: part });
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  const field = keys.length > 0 ? fieldPath([...issue.path, keys[0]!]) : fieldPath(issue.path) || `(${part})`;
  const message =
    keys.length > 0 ? `unknown field "${field}"` : issue.message.replace(/^Invalid input: /, "");
  throw new ApiError(400, "invalid_request", `${part} ${field}: ${message}`, {
    field,
    in: part,
    issues: parsed.error.issues.map((i) => ({ field: fieldPath(i.path), message: i.message })),
  });
}

function findUnstorableText(
  value: unknown,
  path: PropertyKey[],
): { path: PropertyKey[]; reason: string } | undefined {
  if (typeof value === "string") {
    const reason = unstorableText(value);
    return reason === undefined ? undefined : { path, reason };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], [...path, i]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const inName = unstorableText(k);
      const found =
        inName === undefined
          ? findUnstorableText(v, [...path, k])
          : { path: [...path, k], reason: `its name ${inName}` };
      if (found) return found;
    }
  }
  return undefined;
}

/** The JSON body; an empty body reads as `{}` (for endpoints whose fields are all optional). */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, "invalid_json", "(body): the request body is not valid JSON", {
      field: "(body)",
      in: "body",
    });
  }
}

/**
 * Who acts, for the audit log: a console user is their email (whatever headers say); an API key's
 * caller may name its own end user in `x-ledgerlink-actor`, else the key's name stands.
 */
export function actorOf(c: Context): string {
  const principal = principalOf(c);
  if (principal?.kind === "session") return principal.label;
  const v = c.req.header(actorHeader)?.trim();
  return v === undefined || v === "" ? (principal?.label ?? "api") : v.slice(0, 200);
}

/** The query string as an object (the last value of a repeated key). */
export function queryObject(c: Context): Record<string, string> {
  return c.req.query();
}

/** Known failures of the store and the engine as API errors (others pass through: 500, logged). */
export function asApiError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof InvalidCursorError)
    return new ApiError(400, "invalid_request", `query cursor: ${err.message}`, {
      field: "cursor",
      in: "query",
    });
  if (err instanceof ReviewInputError)
    return new ApiError(400, "invalid_request", err.message, { field: err.field, ref: err.ref });
  if (err instanceof ReviewNotFoundError) {
    const what = err.ref.startsWith("REVIEW:")
      ? "review_item"
      : err.ref.startsWith("MERGE:")
        ? "merge"
        : err.ref.startsWith("QBO-")
          ? "qbo_customer"
          : "customer";
    return new ApiError(404, `${what}_not_found`, err.message, { field: err.field, ref: err.ref });
  }
  if (err instanceof ReviewConflictError) return new ApiError(409, err.reason, err.message, { ref: err.ref });
  if (err instanceof RunNotFoundError)
    return new ApiError(404, "run_not_found", err.message, { field: "id", runId: err.runId });
  if (err instanceof SyncBusyError) return new ApiError(409, "sync_running", err.message);
  if (err instanceof EndpointNotFoundError)
    return new ApiError(404, "webhook_endpoint_not_found", err.message, { field: "id" });
  if (err instanceof DeliveryNotFoundError)
    return new ApiError(404, "webhook_delivery_not_found", err.message, { field: "id" });
  if (err instanceof NeedsReconnectError)
    return new ApiError(409, "needs_reconnect", `Reconnect to QuickBooks first: ${err.message}`);
  // QBO refused the grant (revoked, expired refresh token): the connection now says needs-reconnect.
  if (err instanceof QboAuthError)
    return new ApiError(409, "needs_reconnect", `Reconnect to QuickBooks first: ${err.message}`);
  if (err instanceof QboUnreachableError)
    return new ApiError(503, "qbo_unavailable", err.message, { qboUnreachable: err.outage });
  // Worded from the outage's fields, never from the error's text.
  const outage = qboOutageOf(err);
  if (outage)
    return new ApiError(
      503,
      "qbo_unavailable",
      `QuickBooks could not be reached: ${outageText(outage, "it")}. Try again shortly.`,
      { qboUnreachable: outage },
    );
  return err;
}

/** The route's path in Hono's syntax (`{id}` → `:id`). */
export const honoPath = (route: Pick<ApiRoute, "path">): string => route.path.replace(/\{(\w+)\}/g, ":$1");
