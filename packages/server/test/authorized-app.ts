import type { Store } from "@ledgerlink/store";
import type { Hono } from "hono";

/**
 * `app` as a caller holding an operator-wide admin API key sees it: every request without its own
 * `authorization` header gets the key. For tests that drive `createApp` in-process.
 */
export function authorized(app: Hono, store: Store): Hono {
  const key = store.auth
    .createApiKey({
      name: "in-process test",
      role: "admin",
      companyId: null,
      createdBy: "test",
      at: new Date().toISOString(),
    })
    .then((r) => r.key);
  const fetch = (async (request: Request, env?: unknown, ctx?: unknown) => {
    const req = new Request(request);
    if (!req.headers.has("authorization")) req.headers.set("authorization", `Bearer ${await key}`);
    return (app.fetch as (r: Request, e?: unknown, c?: unknown) => Promise<Response>)(req, env, ctx);
  }) as Hono["fetch"];
  const request = ((input: RequestInfo | URL, init?: RequestInit, env?: unknown, ctx?: unknown) => {
    if (input instanceof Request) return fetch(init ? new Request(input, init) : input, env, ctx as never);
    const s = input.toString();
    const url = /^https?:\/\//.test(s) ? s : `http://localhost${s.startsWith("/") ? s : `/${s}`}`;
    return fetch(new Request(url, init), env, ctx as never);
  }) as Hono["request"];
  return Object.assign(Object.create(app) as Hono, { fetch, request });
}
