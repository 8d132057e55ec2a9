import { deliveryParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `POST …/webhook-deliveries/:id/redeliver`: due again now, with the same event id. */
export const postWebhookDeliveryRedeliver = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: deliveryParams }, async ({ c, companyId, params, at }) =>
    c.json(await deps.store.company(companyId).outbound.redeliver(params.id, at), 202),
  );
