import { companyIdParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `POST /api/v1/companies/:companyId/review/:id/{accept|reject}`: a person's decision on a suggested pair. */
export const postReviewDecision = (deps: ApiDeps, decision: "accept" | "reject"): Handler =>
  apiHandler(deps, { params: companyIdParams }, async ({ c, companyId, params, actor, at }) => {
    const review = deps.store.company(companyId).review;
    const result =
      decision === "accept"
        ? await review.acceptSuggestion(params.id, { actor, at })
        : await review.rejectSuggestion(params.id, { actor, at });
    return c.json(result);
  });
