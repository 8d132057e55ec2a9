import { companyParams, queueBulkBody, type RecordRef } from "@ledgerlink/core";
import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { queueAction } from "../queue-actions.js";

/** `POST /api/v1/companies/:companyId/queue/bulk`: one action on many records, each answered on its own. */
export const postQueueBulk = (deps: ApiDeps): Handler =>
  apiHandler(
    deps,
    { params: companyParams, body: queueBulkBody },
    async ({ c, companyId, body, actor, at }) => {
      const results = [];
      for (const ref of [...new Set(body.refs)]) {
        try {
          const r = await queueAction(deps.store, companyId, ref as RecordRef, body.action, {
            actor,
            at,
            ...(body.reason === undefined ? {} : { reason: body.reason }),
          });
          results.push({ ...r, ok: true as const });
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          results.push({ ref, ok: false as const, error: { code: err.code, message: err.message } });
        }
      }
      return c.json({ results });
    },
  );
