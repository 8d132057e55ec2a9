import { companyIdParams, fixErrorBody } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { problemById } from "../errors-lookup.js";
import { applyFix } from "../errors-fix.js";

/**
 * `POST /api/v1/companies/:companyId/errors/:id/fix`: carries out (or, with `preview`, describes) one of
 * the problem's fixes; the record is validated again and queued when clean.
 */
export const postErrorFix = (deps: ApiDeps): Handler =>
  apiHandler(
    deps,
    { params: companyIdParams, body: fixErrorBody },
    async ({ c, companyId, params, body, actor, at }) => {
      const { row, item } = await problemById(deps.store, companyId, params.id);
      const result = await applyFix(
        { store: deps.store, connections: deps.connections, companyId, actor, at },
        row,
        item,
        body,
      );
      return c.json(result);
    },
  );
