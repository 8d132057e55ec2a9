import { companyRefParams, queueHoldBody, type RecordRef } from "@ledgerlink/core";
import type { Handler } from "hono";
import { z } from "zod";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { queueAction, type QueueAction } from "../queue-actions.js";

const noBody = z.object({}).strict();

/** `POST /api/v1/companies/:companyId/queue/:ref/{hold|release|remove}`: one record's place in the queue. */
export const postQueueAction = (deps: ApiDeps, action: QueueAction): Handler =>
  apiHandler(
    deps,
    { params: companyRefParams, body: action === "release" ? noBody : queueHoldBody },
    async ({ c, companyId, params, body, actor, at }) => {
      const reason = (body as { reason?: string }).reason;
      const result = await queueAction(deps.store, companyId, params.ref as RecordRef, action, {
        actor,
        at,
        ...(reason === undefined ? {} : { reason }),
      });
      return c.json(result);
    },
  );
