import { companyParams, reviewRejectPairBody } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { assertQboCustomer } from "../qbo-customer-check.js";

/** `POST /api/v1/companies/:companyId/review/reject`: a local and a QBO customer are different. */
export const postReviewRejectPair = (deps: ApiDeps): Handler =>
  apiHandler(
    deps,
    { params: companyParams, body: reviewRejectPairBody },
    async ({ c, companyId, body, actor, at }) => {
      await assertQboCustomer(deps.store, companyId, body.qboId);
      return c.json(await deps.store.company(companyId).review.rejectPair({ ...body, actor, at }));
    },
  );
