import { companyIdParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { reviewItemDtos } from "../review-view.js";

/** `GET /api/v1/companies/:companyId/review/:id`: one review item, whatever its status. */
export const getReviewItem = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyIdParams }, async ({ c, companyId, params }) => {
    const item = await deps.store.company(companyId).review.getReviewItem(params.id);
    const [dto] = await reviewItemDtos(deps.store, companyId, [item]);
    return c.json(dto);
  });
