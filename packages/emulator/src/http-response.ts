import type { Context } from "hono";
import { QboFault } from "./fault.js";
import type { CachedResponse, Realm } from "./realm.js";
import { readBodyText } from "./request-body.js";

export const JSON_TYPE = "application/json;charset=UTF-8";

/** The JSON text of responses built here, so requestid replay can keep it without re-reading. */
const bodyText = new WeakMap<Response, string>();

export function jsonResponse(status: number, body: unknown): Response {
  const text = JSON.stringify(body);
  const res = new Response(text, { status, headers: { "content-type": JSON_TYPE } });
  bodyText.set(res, text);
  return res;
}

/** QBO's `{"Fault": ..., "time": ...}` response for a thrown fault. */
export function faultResponse(realm: Realm | undefined, fault: QboFault): Response {
  const time = realm ? realm.timestamp() : new Date().toISOString();
  return jsonResponse(fault.status, { Fault: fault.toJSON(), time });
}

/** Runs a handler body, turning a thrown QboFault into its response. */
export async function handleFaults(realm: Realm, run: () => Response | Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof QboFault) return faultResponse(realm, err);
    throw err;
  }
}

/**
 * `requestid` idempotency: a repeat of a successful write gets the original response and writes
 * nothing. Failures are not remembered, so a client may fix its input and retry.
 */
export async function withRequestId(
  c: Context,
  realm: Realm,
  scope: string,
  run: () => Promise<Response>,
): Promise<Response> {
  const requestId = c.req.query("requestid");
  if (requestId === undefined || requestId === "") return run();
  const key = `${scope}\u0000${requestId}`;
  const replay = (cached: CachedResponse) =>
    new Response(cached.body, { status: cached.status, headers: { "content-type": JSON_TYPE } });
  const cached = realm.idempotency.get(key);
  if (cached) return replay(cached);
  // The same requestid still running (its client timed out and retried): its answer is this one's too.
  const running = realm.requestsInFlight.get(key);
  if (running) {
    const first = await running;
    if (first) return replay(first);
  }
  let settle: (r: CachedResponse | undefined) => void = () => undefined;
  realm.requestsInFlight.set(key, new Promise((resolve) => (settle = resolve)));
  let remembered: CachedResponse | undefined;
  try {
    const response = await run();
    if (response.status !== 200) return response;
    const known = bodyText.get(response);
    const body = known ?? (await response.text());
    remembered = { status: 200, body };
    realm.remember(key, remembered);
    return known !== undefined
      ? response
      : new Response(body, { status: 200, headers: { "content-type": JSON_TYPE } });
  } finally {
    realm.requestsInFlight.delete(key);
    settle(remembered);
  }
}

/** Parses a JSON request body, or throws QBO's fault for a malformed request. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await readBodyText(c);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new QboFault(400, "ValidationFault", [
      {
        Message: "Request has invalid or unsupported property",
        Detail: "Error parsing request body: not valid JSON",
        code: "2010",
      },
    ]);
  }
}
