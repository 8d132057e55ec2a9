import { companyParams, listAuditQuery } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `GET /api/v1/companies/:companyId/audit`: who changed which record, when, before and after. */
export const getAudit = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams, query: listAuditQuery }, async ({ c, companyId, query }) => {
    // Stored times are UTC ISO strings; compare like with like.
    const iso = (t: string) => new Date(t).toISOString();
    return c.json(
      await deps.store.company(companyId).api.audit.list({
        limit: query.limit,
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        ...(query.ref === undefined ? {} : { ref: query.ref }),
        ...(query.actor === undefined ? {} : { actor: query.actor }),
        ...(query.action === undefined ? {} : { action: query.action }),
        ...(query.since === undefined ? {} : { since: iso(query.since) }),
        ...(query.until === undefined ? {} : { until: iso(query.until) }),
      }),
    );
  });
