import type { MiddlewareHandler } from "hono";

/**
 * What every response carries unless its handler set its own (the console sets a CSP of its own that
 * allows its scripts): nothing may frame it, browsers must not sniff types, referrers stay on this
 * origin, and API answers are not kept in shared caches. HSTS when served over https.
 */
const defaults: ReadonlyArray<readonly [string, string]> = [
  [
    "content-security-policy",
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  ],
  ["x-content-type-options", "nosniff"],
  ["x-frame-options", "DENY"],
  ["referrer-policy", "same-origin"],
  ["cross-origin-opener-policy", "same-origin"],
  ["cross-origin-resource-policy", "same-origin"],
];

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    let headers = c.res.headers;
    try {
      headers.set("x-content-type-options", "nosniff");
    } catch {
      // A response with immutable headers (a fetched one, passed through): copy it once.
      c.res = new Response(c.res.body, c.res);
      headers = c.res.headers;
    }
    for (const [name, value] of defaults) if (!headers.has(name)) headers.set(name, value);
    if (c.req.path.startsWith("/api/") && !headers.has("cache-control"))
      headers.set("cache-control", "no-store");
    if (new URL(c.req.url).protocol === "https:" && !headers.has("strict-transport-security"))
      headers.set("strict-transport-security", "max-age=31536000; includeSubDomains");
  };
}
