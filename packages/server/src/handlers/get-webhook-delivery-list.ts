import { companyParams, listDeliveriesQuery } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET …/webhook-deliveries`: newest first, by endpoint, state and event type. */
export const getWebhookDeliveryList = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams, query: listDeliveriesQuery }, async ({ c, companyId, query }) =>
    c.json(
      await deps.store.company(companyId).outbound.listDeliveries({
        limit: query.limit,
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        ...(query.endpointId === undefined ? {} : { endpointId: query.endpointId }),
        ...(query.state === undefined ? {} : { state: query.state }),
        ...(query.eventType === undefined ? {} : { eventType: query.eventType }),
      }),
    ),
  );
