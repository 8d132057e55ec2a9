import { deliveryParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET …/webhook-deliveries/:id`: the delivery, its event, and the log of each attempt. */
export const getWebhookDelivery = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: deliveryParams }, async ({ c, companyId, params }) =>
    c.json(await deps.store.company(companyId).outbound.getDelivery(params.id)),
  );
