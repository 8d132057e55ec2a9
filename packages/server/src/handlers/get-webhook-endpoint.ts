import { webhookEndpointParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET …/webhook-endpoints/:id`. */
export const getWebhookEndpoint = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: webhookEndpointParams }, async ({ c, companyId, params }) =>
    c.json(await deps.store.company(companyId).outbound.getEndpoint(params.id)),
  );
