import { webhookEndpointParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { newWebhookSecret } from "../outbound/webhook-signature.js";
import { secretHint, webhookSecretSealer } from "../outbound/webhook-secrets.js";

/** How long the previous secret keeps signing after a rotation, so receivers can switch over. */
export const rotationGraceMs = 24 * 3600_000;

/** `POST …/webhook-endpoints/:id/rotate-secret`: a new secret, shown once. */
export const postWebhookEndpointRotate = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: webhookEndpointParams }, async ({ c, companyId, params, at }) => {
    const outbound = deps.store.company(companyId).outbound;
    await outbound.getEndpoint(params.id);
    const secret = newWebhookSecret();
    const endpoint = await outbound.rotateSecret(params.id, {
      sealedSecret: await webhookSecretSealer(deps.connections).seal(companyId, secret),
      secretHint: secretHint(secret),
      previousUntil: new Date(deps.clock.now().getTime() + rotationGraceMs).toISOString(),
      at,
    });
    return c.json({ ...endpoint, secret });
  });
