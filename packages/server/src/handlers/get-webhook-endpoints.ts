import { companyParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET …/webhook-endpoints`: every endpoint of the company (never a secret). */
export const getWebhookEndpoints = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams }, async ({ c, companyId }) =>
    c.json({ items: await deps.store.company(companyId).outbound.listEndpoints() }),
  );
