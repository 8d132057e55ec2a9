import { createWebhookReceiver, type WebhookEvent } from "@ledgerlink/qbo";
import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import type { AppDeps } from "../app-deps.js";
import { noteQboWebhookChanges } from "../qbo-webhook-notes.js";

/**
 * `POST /api/v1/webhooks/qbo`: Intuit's change notifications. The signature is checked on the raw
 * bytes before anything is parsed (401 otherwise, nothing recorded); the changed ids are noted for the
 * next pull and the answer is immediate (Intuit wants one within 3 s). Realms connected to no company
 * are acknowledged and ignored, so Intuit does not retry them for hours.
 */
export const postQboWebhook = (deps: AppDeps): Handler => {
  const token = deps.config.qbo.webhookVerifierToken;
  const receiver =
    token === undefined
      ? undefined
      : createWebhookReceiver({
          verifierToken: token,
          enqueue: async (events: WebhookEvent[]) => {
            const byRealm = new Map<string, WebhookEvent[]>();
            for (const e of events) byRealm.set(e.realmId, [...(byRealm.get(e.realmId) ?? []), e]);
            const at = deps.clock.now().toISOString();
            for (const [realmId, list] of byRealm) await noteQboWebhookChanges(deps.store, realmId, list, at);
          },
        });
  return async (c) => {
    if (!receiver)
      throw new ApiError(
        503,
        "webhooks_not_configured",
        "Set QBO_WEBHOOK_VERIFIER_TOKEN to receive QBO webhooks",
      );
    return receiver(c.req.raw);
  };
};
