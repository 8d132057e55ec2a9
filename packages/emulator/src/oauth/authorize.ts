import type { Handler } from "hono";
import type { EmulatorEnv, EmulatorState } from "../state.js";
import { isLoopbackRedirect } from "./client-auth.js";

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function errorPage(message: string): Response {
  return new Response(
    `<!doctype html><title>Authorization error</title><h1>Authorization error</h1><p>${escapeHtml(message)}</p>`,
    {
      status: 400,
      headers: { "content-type": "text/html;charset=UTF-8" },
    },
  );
}

/**
 * Intuit's authorize endpoint with the consent given automatically: it redirects straight back with
 * `code`, `state` and `realmId`. `realmId` (an emulator extension) chooses the company; default the
 * default realm.
 */
export function authorize(state: EmulatorState): Handler<EmulatorEnv> {
  return (c) => {
    const clientId = c.req.query("client_id") ?? "";
    const redirectUri = c.req.query("redirect_uri") ?? "";
    const responseType = c.req.query("response_type") ?? "";
    const scope = c.req.query("scope") ?? "";
    const realmId = c.req.query("realmId") ?? state.defaultRealmId;
    if (!state.apps.has(clientId)) return errorPage(`Unknown client_id "${clientId}"`);
    if (!isLoopbackRedirect(redirectUri))
      return errorPage(
        `redirect_uri must be a loopback URL (http://127.0.0.1:PORT/... or localhost), got "${redirectUri}"`,
      );
    if (responseType !== "code") return errorPage(`response_type must be "code", got "${responseType}"`);
    if (!scope.split(/[ +]/).includes("com.intuit.quickbooks.accounting"))
      return errorPage(`scope must include com.intuit.quickbooks.accounting, got "${scope}"`);
    const realm = state.realms.get(realmId);
    if (!realm) return errorPage(`No company with realmId ${realmId}`);
    // PKCE: only S256 is accepted (as Intuit does); a client that sends none is not held to it.
    const challenge = c.req.query("code_challenge");
    const method = c.req.query("code_challenge_method");
    if (challenge !== undefined && method !== "S256")
      return errorPage(`code_challenge_method must be "S256", got "${method ?? ""}"`);
    const code = state.tokens.issueCode(realm.id, clientId, redirectUri, realm.nowMs(), challenge);
    const target = new URL(redirectUri);
    target.searchParams.set("code", code);
    const st = c.req.query("state");
    if (st !== undefined) target.searchParams.set("state", st);
    target.searchParams.set("realmId", realm.id);
    return c.redirect(target.toString(), 302);
  };
}
