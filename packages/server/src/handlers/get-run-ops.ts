import { companyIdParams, listRunOpsQuery } from "@ledgerlink/core";
import type { Handler } from "hono";
import { failureDto } from "../api-dto.js";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET /api/v1/companies/:companyId/runs/:id/ops`: the run's writes (the outbox) in plan order. */
export const getRunOps = (deps: ApiDeps): Handler =>
  apiHandler(
    deps,
    { params: companyIdParams, query: listRunOpsQuery },
    async ({ c, companyId, params, query }) => {
      const company = deps.store.company(companyId);
      await company.sync.getRun(params.id);
      const page = await company.api.runs.listOps(params.id, {
        limit: query.limit,
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        ...(query.state === undefined ? {} : { state: query.state }),
        ...(query.ref === undefined ? {} : { ref: query.ref }),
      });
      return c.json({
        items: page.items.map((op) => ({ ...op, error: op.error === null ? null : failureDto(op.error) })),
        nextCursor: page.nextCursor,
      });
    },
  );
