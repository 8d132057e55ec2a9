import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { randomBytes } from "node:crypto";

const cookieName = "ll_oauth_session";

/**
 * A random nonce in an httpOnly cookie identifies the browser that pressed Connect, so the OAuth
 * callback is accepted only in that same browser (the `state` is bound to it).
 */
export function oauthSessionNonce(c: Context, create: boolean): string | undefined {
  const existing = getCookie(c, cookieName);
  if (existing || !create) return existing;
  const nonce = randomBytes(24).toString("base64url");
  setCookie(c, cookieName, nonce, {
    httpOnly: true,
    sameSite: "Lax", // sent on the top-level redirect back from Intuit
    secure: new URL(c.req.url).protocol === "https:",
    path: "/",
    maxAge: 60 * 60,
  });
  return nonce;
}
