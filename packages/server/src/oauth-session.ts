import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { randomBytes } from "node:crypto";
import { principalOf } from "./auth/principal.js";

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

/**
 * The browser's nonce bound to who is signed in: the `state` Connect saves is tied to both, so a
 * callback opened by another user (or nobody) in the same browser is refused, as is a link mailed
 * to someone else.
 */
export function oauthSessionBinding(c: Context, create: boolean): string | undefined {
  const nonce = oauthSessionNonce(c, create);
  const principal = principalOf(c);
  if (nonce === undefined || principal === undefined) return undefined;
  return `${principal.kind}:${principal.id}:${nonce}`;
}
