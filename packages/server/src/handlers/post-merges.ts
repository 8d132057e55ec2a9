import { companyParams, mergeBody } from "@ledgerlink/core";
import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `POST /api/v1/companies/:companyId/merges`: merge one local customer into another (undoable). */
export const postMerges = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams, body: mergeBody }, async ({ c, companyId, body, actor, at }) => {
    if (body.survivorId === body.mergedId)
      throw new ApiError(
        400,
        "invalid_request",
        `body mergedId: C:${body.mergedId} cannot be merged into itself`,
        {
          field: "mergedId",
          in: "body",
        },
      );
    const result = await deps.store.company(companyId).review.mergeCustomers({ ...body, actor, at });
    // The merged customer's open problems went with it.
    await deps.store.company(companyId).api.problems.resolveForRefs([`C:${body.mergedId}`], at);
    return c.json(result, 201);
  });
