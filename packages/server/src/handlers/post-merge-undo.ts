import { companyIdParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `POST /api/v1/companies/:companyId/merges/:id/undo`: every record and link back as it was. */
export const postMergeUndo = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyIdParams }, async ({ c, companyId, params, actor, at }) =>
    c.json(await deps.store.company(companyId).review.undoMerge(params.id, actor, at)),
  );
