/**
 * The console talks to the Ledgerlink HTTP API on its own origin, nothing else. Every failure comes
 * back as the API's envelope `{error:{code,message,details}}`; the message is written for people, so
 * screens show it as it is.
 */
export class ApiRequestError extends Error {
  override readonly name = "ApiRequestError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  body?: unknown;
  signal?: AbortSignal;
}

/** Fired on `window` when the API answers 401: the session ended, the sign-in form takes over. */
export const signedOutEvent = "ledgerlink:signed-out";

/** The session's CSRF token, from the cookie the server set at sign-in (sent back as a header). */
export function csrfToken(): string | undefined {
  const m = /(?:^|;\s*)ll_csrf=([^;]*)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? "GET";
  const csrf = method === "GET" ? undefined : csrfToken();
  const init: RequestInit = {
    method,
    headers: { accept: "application/json", ...(csrf === undefined ? {} : { "x-csrf-token": csrf }) },
  };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    init.headers = { ...init.headers, "content-type": "application/json" };
  }
  if (options.signal) init.signal = options.signal;
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiRequestError(
      0,
      "network",
      "Ledgerlink is not answering. Check that it is still running, then try again.",
    );
  }
  const text = await res.text();
  let body: unknown = undefined;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (res.status === 401 && path !== "/api/v1/auth/login" && path !== "/api/v1/auth/me")
    window.dispatchEvent(new Event(signedOutEvent));
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiRequestError(
      res.status,
      e?.code ?? `http_${res.status}`,
      e?.message ?? `The request failed (HTTP ${res.status}).`,
      e?.details,
    );
  }
  return body as T;
}

/** `/api/v1/companies/<company>/<rest>`, each part escaped. */
export function companyPath(company: string, ...rest: string[]): string {
  return ["/api/v1/companies", encodeURIComponent(company), ...rest.map(encodeURIComponent)].join("/");
}

/** A query string from the defined values only (`?a=1&b=x`, or "" when there are none). */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiRequestError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
