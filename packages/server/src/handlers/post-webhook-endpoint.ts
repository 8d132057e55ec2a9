import { companyParams, createWebhookEndpointBody } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { newWebhookSecret } from "../outbound/webhook-signature.js";
import { secretHint, webhookSecretSealer } from "../outbound/webhook-secrets.js";

/** `POST …/webhook-endpoints`: a new endpoint; its signing secret is in this answer only (sealed at rest). */
export const postWebhookEndpoint = (deps: ApiDeps): Handler =>
  apiHandler(
    deps,
    { params: companyParams, body: createWebhookEndpointBody },
    async ({ c, companyId, body, at }) => {
      const secret = newWebhookSecret();
      const sealedSecret = await webhookSecretSealer(deps.connections).seal(companyId, secret);
      const endpoint = await deps.store.company(companyId).outbound.createEndpoint({
        url: body.url,
        description: body.description,
        eventTypes: body.eventTypes,
        sealedSecret,
        secretHint: secretHint(secret),
        at,
      });
      return c.json({ ...endpoint, secret }, 201);
    },
  );
