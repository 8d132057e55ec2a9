import { webhookEndpointParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `DELETE …/webhook-endpoints/:id`: the endpoint, its deliveries and their log. */
export const deleteWebhookEndpoint = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: webhookEndpointParams }, async ({ c, companyId, params }) => {
    await deps.store.company(companyId).outbound.deleteEndpoint(params.id);
    return c.json({ id: params.id, deleted: true as const });
  });
