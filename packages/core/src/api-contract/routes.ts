import type { z } from "zod";
import { apiErrorSchema, companyIdParams, companyParams, companyRefParams } from "./common.js";
import { auditPageSchema, listAuditQuery } from "./audit.js";
import {
  bulkFixBody,
  bulkFixResponse,
  errorItemSchema,
  errorsPageSchema,
  fixErrorBody,
  fixResultSchema,
  listErrorsQuery,
} from "./errors.js";
import { eventsQuery, syncEventSchema } from "./events.js";
import {
  listMergesQuery,
  mergeBody,
  mergePageSchema,
  mergeResultSchema,
  undoMergeResultSchema,
} from "./merges.js";
import {
  listQueueQuery,
  queueActionResultSchema,
  queueBulkBody,
  queueBulkResponse,
  queueHoldBody,
  queuePageSchema,
} from "./queue.js";
import { listRecordsQuery, recordDetailSchema, recordPageSchema } from "./records.js";
import {
  listReviewQuery,
  resolutionResultSchema,
  reviewCreateNewBody,
  reviewItemSchema,
  reviewLinkBody,
  reviewPageSchema,
  reviewQboInactiveBody,
  reviewRejectPairBody,
} from "./review.js";
import {
  cancelRunResponse,
  listRunOpsQuery,
  listRunsQuery,
  planResponse,
  planRunBody,
  planRunQuery,
  recordSyncResponse,
  runDetailSchema,
  runOpPageSchema,
  runPageSchema,
  startRunBody,
  startRunResponse,
} from "./runs.js";
import { searchPageSchema, searchQuery } from "./search.js";
import { outboundRoutes } from "./outbound-routes.js";

export type HttpMethod = "get" | "post" | "put" | "delete";

/** One endpoint: the schemas its handler validates with and answers with; the OpenAPI document is built from these. */
export interface ApiRoute {
  method: HttpMethod;
  /** OpenAPI style: `/api/v1/companies/{companyId}/runs/{id}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success status and its body (text/event-stream for the event stream). */
  success: {
    status: 200 | 201 | 202;
    schema: z.ZodType;
    contentType?: "application/json" | "text/event-stream";
  };
  /** The failure statuses it can answer (all with the error envelope). */
  errors: readonly (400 | 404 | 409 | 503)[];
}

const c = "/api/v1/companies/{companyId}";

export const apiRoutes: readonly ApiRoute[] = [
  // ---- runs
  {
    method: "get",
    path: `${c}/runs`,
    operationId: "listRuns",
    tag: "runs",
    summary: "Sync runs, newest first",
    params: companyParams,
    query: listRunsQuery,
    success: { status: 200, schema: runPageSchema },
    errors: [400, 404],
  },
  {
    method: "post",
    path: `${c}/runs`,
    operationId: "startRun",
    tag: "runs",
    summary: "Sync Now: start a sync in the background",
    description:
      "Answers 202 with the run's id once the run has started (QBO's changes pulled and the plan saved); follow it on the event stream. 409 when a sync of the company is already running.",
    params: companyParams,
    body: startRunBody,
    success: { status: 202, schema: startRunResponse },
    errors: [400, 404, 409, 503],
  },
  {
    method: "post",
    path: `${c}/runs/plan`,
    operationId: "planRun",
    tag: "runs",
    summary: "Dry run: what a sync would do, record by record, with reasons",
    params: companyParams,
    query: planRunQuery,
    body: planRunBody,
    success: { status: 200, schema: planResponse },
    errors: [400, 404, 409, 503],
  },
  {
    method: "get",
    path: `${c}/runs/{id}`,
    operationId: "getRun",
    tag: "runs",
    summary: "One run: status, counts per outcome and per entity, operations by state",
    params: companyIdParams,
    success: { status: 200, schema: runDetailSchema },
    errors: [404],
  },
  {
    method: "get",
    path: `${c}/runs/{id}/ops`,
    operationId: "listRunOps",
    tag: "runs",
    summary: "A run's operations (the outbox), in plan order",
    params: companyIdParams,
    query: listRunOpsQuery,
    success: { status: 200, schema: runOpPageSchema },
    errors: [400, 404],
  },
  {
    method: "post",
    path: `${c}/runs/{id}/cancel`,
    operationId: "cancelRun",
    tag: "runs",
    summary: "Ask a running sync to stop after the calls in flight",
    params: companyIdParams,
    success: { status: 200, schema: cancelRunResponse },
    errors: [404, 409],
  },
  {
    method: "post",
    path: `${c}/records/{ref}/sync`,
    operationId: "syncRecord",
    tag: "records",
    summary: "Sync one record now (and what it needs that is not in QBO yet)",
    params: companyRefParams,
    success: { status: 200, schema: recordSyncResponse },
    errors: [400, 404, 409, 503],
  },
  // ---- records
  {
    method: "get",
    path: `${c}/records`,
    operationId: "listRecords",
    tag: "records",
    summary: "The app's records as stored, with their QBO ids",
    params: companyParams,
    query: listRecordsQuery,
    success: { status: 200, schema: recordPageSchema },
    errors: [400, 404],
  },
  {
    method: "get",
    path: `${c}/records/{ref}`,
    operationId: "getRecord",
    tag: "records",
    summary: "One record: its data, link, hold and open problems",
    params: companyRefParams,
    success: { status: 200, schema: recordDetailSchema },
    errors: [400, 404],
  },
  // ---- queue
  {
    method: "get",
    path: `${c}/queue`,
    operationId: "listQueue",
    tag: "queue",
    summary: "Ready To Sync: records never synced, changed since, or deleted in the app",
    params: companyParams,
    query: listQueueQuery,
    success: { status: 200, schema: queuePageSchema },
    errors: [400, 404],
  },
  ...(["hold", "release", "remove"] as const).map((action): ApiRoute => ({
    method: "post",
    path: `${c}/queue/{ref}/${action}`,
    operationId: `${action}QueueRecord`,
    tag: "queue",
    summary:
      action === "hold"
        ? "Hold a record out of the syncs until released"
        : action === "remove"
          ? "Remove a record from the queue until the app changes it"
          : "Put a held or removed record back in the queue",
    params: companyRefParams,
    ...(action === "release" ? {} : { body: queueHoldBody }),
    success: { status: 200, schema: queueActionResultSchema },
    errors: [400, 404],
  })),
  {
    method: "post",
    path: `${c}/queue/bulk`,
    operationId: "bulkQueueAction",
    tag: "queue",
    summary: "Hold, release or remove many records at once (each answered on its own)",
    params: companyParams,
    body: queueBulkBody,
    success: { status: 200, schema: queueBulkResponse },
    errors: [400, 404],
  },
  // ---- errors
  {
    method: "get",
    path: `${c}/errors`,
    operationId: "listErrors",
    tag: "errors",
    summary: "Every open problem, grouped by category, with explanations and fixes",
    params: companyParams,
    query: listErrorsQuery,
    success: { status: 200, schema: errorsPageSchema },
    errors: [400, 404],
  },
  {
    method: "get",
    path: `${c}/errors/{id}`,
    operationId: "getError",
    tag: "errors",
    summary: "One open problem, with the choices its fixes offer (rename proposals, QBO customers)",
    params: companyIdParams,
    success: { status: 200, schema: errorItemSchema },
    errors: [404],
  },
  {
    method: "post",
    path: `${c}/errors/{id}/fix`,
    operationId: "fixError",
    tag: "errors",
    summary: "Apply (or preview) a fix; the record is validated again and queued when clean",
    params: companyIdParams,
    body: fixErrorBody,
    success: { status: 200, schema: fixResultSchema },
    errors: [400, 404, 409, 503],
  },
  {
    method: "post",
    path: `${c}/errors/fix`,
    operationId: "bulkFixErrors",
    tag: "errors",
    summary: "Apply many fixes; each is answered on its own",
    params: companyParams,
    body: bulkFixBody,
    success: { status: 200, schema: bulkFixResponse },
    errors: [400, 404],
  },
  // ---- review
  {
    method: "get",
    path: `${c}/review`,
    operationId: "listReviewItems",
    tag: "review",
    summary: "Matches waiting for a person, side by side",
    params: companyParams,
    query: listReviewQuery,
    success: { status: 200, schema: reviewPageSchema },
    errors: [400, 404],
  },
  {
    method: "get",
    path: `${c}/review/{id}`,
    operationId: "getReviewItem",
    tag: "review",
    summary: "One review item",
    params: companyIdParams,
    success: { status: 200, schema: reviewItemSchema },
    errors: [404],
  },
  ...(["accept", "reject"] as const).map((action): ApiRoute => ({
    method: "post",
    path: `${c}/review/{id}/${action}`,
    operationId: `${action}ReviewItem`,
    tag: "review",
    summary:
      action === "accept"
        ? "They are the same customer: link them"
        : "Different customers: never suggest the pair again",
    params: companyIdParams,
    success: { status: 200, schema: resolutionResultSchema },
    errors: [404, 409],
  })),
  {
    method: "post",
    path: `${c}/review/link`,
    operationId: "linkCustomer",
    tag: "review",
    summary: "Link a local customer to the QBO customer a person chose",
    params: companyParams,
    body: reviewLinkBody,
    success: { status: 200, schema: resolutionResultSchema },
    errors: [400, 404, 409],
  },
  {
    method: "post",
    path: `${c}/review/reject`,
    operationId: "rejectPair",
    tag: "review",
    summary: "Say a local and a QBO customer are different (never suggested again)",
    params: companyParams,
    body: reviewRejectPairBody,
    success: { status: 200, schema: resolutionResultSchema },
    errors: [400, 404, 409],
  },
  {
    method: "post",
    path: `${c}/review/create-new`,
    operationId: "createNewCustomer",
    tag: "review",
    summary: "Create the local customer in QBO as a new customer",
    params: companyParams,
    body: reviewCreateNewBody,
    success: { status: 200, schema: resolutionResultSchema },
    errors: [400, 404, 409],
  },
  {
    method: "post",
    path: `${c}/review/qbo-inactive`,
    operationId: "markQboCustomerInactive",
    tag: "review",
    summary: "Mark a QBO duplicate customer to be made inactive by the next sync",
    params: companyParams,
    body: reviewQboInactiveBody,
    success: { status: 200, schema: resolutionResultSchema },
    errors: [400, 404, 409],
  },
  // ---- merges
  {
    method: "get",
    path: `${c}/merges`,
    operationId: "listMerges",
    tag: "merges",
    summary: "Customer merges, newest first (undone ones too)",
    params: companyParams,
    query: listMergesQuery,
    success: { status: 200, schema: mergePageSchema },
    errors: [400, 404],
  },
  {
    method: "post",
    path: `${c}/merges`,
    operationId: "mergeCustomers",
    tag: "merges",
    summary: "Merge one local customer into another (history moves to the survivor; undoable)",
    params: companyParams,
    body: mergeBody,
    success: { status: 201, schema: mergeResultSchema },
    errors: [400, 404, 409],
  },
  {
    method: "post",
    path: `${c}/merges/{id}/undo`,
    operationId: "undoMerge",
    tag: "merges",
    summary: "Undo a merge: every record and link back exactly as it was",
    params: companyIdParams,
    success: { status: 200, schema: undoMergeResultSchema },
    errors: [404, 409],
  },
  // ---- audit, search, events
  {
    method: "get",
    path: `${c}/audit`,
    operationId: "listAudit",
    tag: "audit",
    summary: "The audit log: who changed which record, when, before and after",
    params: companyParams,
    query: listAuditQuery,
    success: { status: 200, schema: auditPageSchema },
    errors: [400, 404],
  },
  {
    method: "get",
    path: `${c}/search`,
    operationId: "search",
    tag: "search",
    summary: "Smart search over the app's records and the QBO mirror (refs, QBO Ids, names, emails, phones)",
    description: "Ranked: exact reference or id first, then prefix matches, then matches inside a name.",
    params: companyParams,
    query: searchQuery,
    success: { status: 200, schema: searchPageSchema },
    errors: [400, 404],
  },
  {
    method: "get",
    path: `${c}/events`,
    operationId: "streamEvents",
    tag: "events",
    summary: "Live sync events (Server-Sent Events) for progress bars and the activity feed",
    description:
      "Each message: `event:` the type, `id:` a sequence number, `data:` the SyncEvent JSON. The first message is `event: ready` (no id), once the stream is subscribed; comment lines keep an idle stream open. Send Last-Event-ID to receive what was missed (the last 1,000 events are kept).",
    params: companyParams,
    query: eventsQuery,
    success: { status: 200, schema: syncEventSchema, contentType: "text/event-stream" },
    errors: [400, 404],
  },
  ...outboundRoutes,
];

export { apiErrorSchema };
