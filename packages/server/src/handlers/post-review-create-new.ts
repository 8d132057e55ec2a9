import { companyParams, reviewCreateNewBody } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `POST /api/v1/companies/:companyId/review/create-new`: create the local customer in QBO as a new one. */
export const postReviewCreateNew = (deps: ApiDeps): Handler =>
  apiHandler(
    deps,
    { params: companyParams, body: reviewCreateNewBody },
    async ({ c, companyId, body, actor, at }) =>
      c.json(await deps.store.company(companyId).review.createNew({ ...body, actor, at })),
  );
