import { companyParams, reviewLinkBody } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { assertQboCustomer } from "../qbo-customer-check.js";

/** `POST /api/v1/companies/:companyId/review/link`: link a local customer to the QBO customer a person chose. */
export const postReviewLink = (deps: ApiDeps): Handler =>
  apiHandler(
    deps,
    { params: companyParams, body: reviewLinkBody },
    async ({ c, companyId, body, actor, at }) => {
      await assertQboCustomer(deps.store, companyId, body.qboId);
      return c.json(await deps.store.company(companyId).review.linkToQbo({ ...body, actor, at }));
    },
  );
