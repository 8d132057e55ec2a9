import { companyParams, listReviewQuery } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { reviewItemDtos } from "../review-view.js";

/** `GET /api/v1/companies/:companyId/review`: open review items (oldest first), side by side. */
export const getReview = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams, query: listReviewQuery }, async ({ c, companyId, query }) => {
    const page = await deps.store.company(companyId).review.listOpenReviewItems({
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
    return c.json({
      items: await reviewItemDtos(deps.store, companyId, page.items),
      nextCursor: page.nextCursor ?? null,
    });
  });
