import { companyParams, planRunBody, planRunQuery, type RecordRef } from "@ledgerlink/core";
import { decodeCursor, encodeCursor } from "@ledgerlink/store";
import type { Handler } from "hono";
import { planStepDto, repairDto } from "../api-dto.js";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/**
 * `POST /api/v1/companies/:companyId/runs/plan`: the dry run (QBO's changes pulled, nothing written to
 * QBO): counts for the whole plan and a page of its steps, by action or kind.
 */
export const postRunsPlan = (deps: ApiDeps): Handler =>
  apiHandler(
    deps,
    { params: companyParams, query: planRunQuery, body: planRunBody },
    async ({ c, companyId, query, body }) => {
      const after = query.cursor === undefined ? -1 : decodeCursor(query.cursor, { s: "number" }).s;
      const { plan } = await deps.syncService.plan(companyId, body.only as RecordRef[] | undefined);
      const steps = plan.steps.filter(
        (s) =>
          s.seq > after &&
          (query.action === undefined || s.action === query.action) &&
          (query.kind === undefined || s.kind === query.kind),
      );
      const page = steps.slice(0, query.limit);
      const last = page[page.length - 1];
      return c.json({
        counts: plan.counts,
        totalSteps: plan.steps.length,
        findings: plan.findings.length,
        reviews: plan.reviews.length,
        repairs: plan.repairs.map(repairDto),
        items: page.map(planStepDto),
        nextCursor: steps.length > query.limit && last !== undefined ? encodeCursor({ s: last.seq }) : null,
      });
    },
  );
