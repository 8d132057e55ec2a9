import { companyRefParams, type RecordRef } from "@ledgerlink/core";
import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import { failureDto, planStepDto, runSummaryDto } from "../api-dto.js";
import { apiHandler, type ApiDeps } from "../api-handler.js";

/** `POST /api/v1/companies/:companyId/records/:ref/sync`: syncs one record now and answers what happened. */
export const postRecordSync = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyRefParams }, async ({ c, companyId, params }) => {
    const ref = params.ref as RecordRef;
    if (!(await deps.store.company(companyId).api.records.exists(ref)))
      throw new ApiError(404, "record_not_found", `No record ${ref} in company "${companyId}"`, {
        field: "ref",
        ref,
      });
    const result = await deps.syncService.syncRecords(companyId, [ref]);
    const outcome = result.outcomes.find((o) => o.ref === ref);
    const step = result.plan.steps.find((s) => s.ref === ref);
    return c.json({
      ref,
      run: runSummaryDto(result.run!),
      outcome:
        outcome === undefined
          ? null
          : {
              action: outcome.action,
              outcome: outcome.outcome,
              qboId: outcome.qboId ?? null,
              failure: outcome.failure === undefined ? null : failureDto(outcome.failure),
            },
      step: step === undefined ? null : planStepDto(step),
    });
  });
