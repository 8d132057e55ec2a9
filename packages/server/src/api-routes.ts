import { apiRoutes } from "@ledgerlink/core";
import type { Handler, Hono } from "hono";
import type { ApiDeps } from "./api-handler.js";
import { honoPath } from "./api-input.js";
import type { AppDeps } from "./app-deps.js";
import { getApiDocs } from "./handlers/get-api-docs.js";
import { getAudit } from "./handlers/get-audit.js";
import { getError } from "./handlers/get-error.js";
import { getErrors } from "./handlers/get-errors.js";
import { getEvents } from "./handlers/get-events.js";
import { getMerges } from "./handlers/get-merges.js";
import { getOpenApi } from "./handlers/get-openapi.js";
import { getQueue } from "./handlers/get-queue.js";
import { getRecord } from "./handlers/get-record.js";
import { getRecords } from "./handlers/get-records.js";
import { getReview } from "./handlers/get-review.js";
import { getReviewItem } from "./handlers/get-review-item.js";
import { getRun } from "./handlers/get-run.js";
import { getRunOps } from "./handlers/get-run-ops.js";
import { getRuns } from "./handlers/get-runs.js";
import { getSearch } from "./handlers/get-search.js";
import { postErrorFix } from "./handlers/post-error-fix.js";
import { postErrorsFix } from "./handlers/post-errors-fix.js";
import { postMergeUndo } from "./handlers/post-merge-undo.js";
import { postMerges } from "./handlers/post-merges.js";
import { postQueueAction } from "./handlers/post-queue-action.js";
import { postQueueBulk } from "./handlers/post-queue-bulk.js";
import { postRecordSync } from "./handlers/post-record-sync.js";
import { postReviewCreateNew } from "./handlers/post-review-create-new.js";
import { postReviewDecision } from "./handlers/post-review-decision.js";
import { postReviewLink } from "./handlers/post-review-link.js";
import { postReviewQboInactive } from "./handlers/post-review-qbo-inactive.js";
import { postReviewRejectPair } from "./handlers/post-review-reject-pair.js";
import { postRunCancel } from "./handlers/post-run-cancel.js";
import { postRuns } from "./handlers/post-runs.js";
import { postRunsPlan } from "./handlers/post-runs-plan.js";
import { deleteWebhookEndpoint } from "./handlers/delete-webhook-endpoint.js";
import { getWebhookDelivery } from "./handlers/get-webhook-delivery.js";
import { getWebhookDeliveryList } from "./handlers/get-webhook-delivery-list.js";
import { getWebhookEndpoint } from "./handlers/get-webhook-endpoint.js";
import { getWebhookEndpoints } from "./handlers/get-webhook-endpoints.js";
import { postGlobalSync } from "./handlers/post-global-sync.js";
import { postWebhookDeliveryRedeliver } from "./handlers/post-webhook-delivery-redeliver.js";
import { postWebhookEndpoint } from "./handlers/post-webhook-endpoint.js";
import { postWebhookEndpointRotate } from "./handlers/post-webhook-endpoint-rotate.js";
import { putWebhookEndpoint } from "./handlers/put-webhook-endpoint.js";
import { SyncEventHub } from "./sync-event-hub.js";
import { SyncService } from "./sync-service.js";
import { companyLogger, logger } from "./logger.js";

/** The handler of each operation of the contract's route table (core's `apiRoutes`). */
const handlers: Record<string, (deps: ApiDeps) => Handler> = {
  listRuns: getRuns,
  startRun: postRuns,
  planRun: postRunsPlan,
  getRun,
  listRunOps: getRunOps,
  cancelRun: postRunCancel,
  syncRecord: postRecordSync,
  listRecords: getRecords,
  getRecord,
  listQueue: getQueue,
  holdQueueRecord: (d) => postQueueAction(d, "hold"),
  releaseQueueRecord: (d) => postQueueAction(d, "release"),
  removeQueueRecord: (d) => postQueueAction(d, "remove"),
  bulkQueueAction: postQueueBulk,
  listErrors: getErrors,
  getError,
  fixError: postErrorFix,
  bulkFixErrors: postErrorsFix,
  listReviewItems: getReview,
  getReviewItem,
  acceptReviewItem: (d) => postReviewDecision(d, "accept"),
  rejectReviewItem: (d) => postReviewDecision(d, "reject"),
  linkCustomer: postReviewLink,
  rejectPair: postReviewRejectPair,
  createNewCustomer: postReviewCreateNew,
  markQboCustomerInactive: postReviewQboInactive,
  listMerges: getMerges,
  mergeCustomers: postMerges,
  undoMerge: postMergeUndo,
  listAudit: getAudit,
  search: getSearch,
  streamEvents: getEvents,
  listWebhookEndpoints: getWebhookEndpoints,
  createWebhookEndpoint: postWebhookEndpoint,
  getWebhookEndpoint,
  updateWebhookEndpoint: putWebhookEndpoint,
  deleteWebhookEndpoint,
  rotateWebhookSecret: postWebhookEndpointRotate,
  listWebhookDeliveries: getWebhookDeliveryList,
  getWebhookDelivery,
  redeliverWebhook: postWebhookDeliveryRedeliver,
  planGlobalSync: (d) => postGlobalSync(d, "plan"),
  runGlobalSync: (d) => postGlobalSync(d, "run"),
};

/** The sync service and event hub of the app: the ones given, or made here from the app's parts. */
export function apiDepsOf(deps: AppDeps): ApiDeps {
  const events = deps.events ?? new SyncEventHub();
  const syncService =
    deps.syncService ??
    new SyncService({
      store: deps.store,
      connections: deps.connections,
      clock: deps.clock,
      environment: deps.config.qbo.environment,
      hub: events,
      onBackgroundError: (companyId, err) =>
        companyLogger(deps.logger ?? logger, { companyId }).error({ err }, "background sync failed"),
    });
  return { ...deps, events, syncService };
}

/**
 * Registers every route of the contract's table (each must have a handler: the OpenAPI document and
 * the server cannot disagree), plus /api/openapi.json and /api/docs. Register before any catch-all.
 */
export function registerApiRoutes(app: Hono, deps: AppDeps): ApiDeps {
  const api = apiDepsOf(deps);
  for (const route of apiRoutes) {
    const make = handlers[route.operationId];
    if (make === undefined) throw new Error(`no handler for API operation ${route.operationId}`);
    app.on(route.method.toUpperCase(), honoPath(route), make(api));
  }
  app.get("/api/openapi.json", getOpenApi());
  app.get("/api/docs", getApiDocs());
  return api;
}
