import { companyParams, reviewQboInactiveBody } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { assertQboCustomer } from "../qbo-customer-check.js";

/** `POST /api/v1/companies/:companyId/review/qbo-inactive`: a QBO duplicate is made inactive by the next sync. */
export const postReviewQboInactive = (deps: ApiDeps): Handler =>
  apiHandler(
    deps,
    { params: companyParams, body: reviewQboInactiveBody },
    async ({ c, companyId, body, actor, at }) => {
      await assertQboCustomer(deps.store, companyId, body.qboId);
      return c.json(
        await deps.store.company(companyId).review.markQboInactive({
          qboId: body.qboId,
          ...(body.duplicateOf === undefined ? {} : { duplicateOf: body.duplicateOf }),
          actor,
          at,
        }),
      );
    },
  );
