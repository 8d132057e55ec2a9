import { updateWebhookEndpointBody, webhookEndpointParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `PUT …/webhook-endpoints/:id`: URL, description, event types, enabled (disable / enable). */
export const putWebhookEndpoint = (deps: ApiDeps): Handler =>
  apiHandler(
    deps,
    { params: webhookEndpointParams, body: updateWebhookEndpointBody },
    async ({ c, companyId, params, body, at }) =>
      c.json(
        await deps.store.company(companyId).outbound.updateEndpoint(
          params.id,
          {
            ...(body.url === undefined ? {} : { url: body.url }),
            ...(body.description === undefined ? {} : { description: body.description }),
            ...(body.eventTypes === undefined ? {} : { eventTypes: body.eventTypes }),
            ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
          },
          at,
        ),
      ),
  );
