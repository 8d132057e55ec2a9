import { z } from "zod";
import { named, pageOf, pageQuery } from "./common.js";
import { outcomeCountsSchema, runStatusSchema, runTriggerSchema } from "./runs.js";

/**
 * Outbound events: what Ledgerlink tells the business app, as signed webhooks and as the library's
 * `ledgerlink.on(type, listener)`. One map from event type to its `data`, so both are typed from it.
 */
const problem = z.object({
  category: z.string(),
  message: z.string(),
  field: z.string().optional(),
  code: z.string().optional(),
});

export const outboundEventDataSchemas = {
  /** A record reached QBO: created, updated, linked, (re/in)activated or deleted there. */
  "record.synced": z.object({
    ref: z.string(),
    runId: z.string(),
    action: z.string(),
    qboEntity: z.string(),
    qboId: z.string().nullable(),
  }),
  /** A record cannot be sent until someone fixes it: a finding before sending, or QBO refused it. */
  "record.blocked": z.object({
    ref: z.string(),
    runId: z.string(),
    source: z.enum(["preflight", "qbo"]),
    problems: z.array(problem),
  }),
  /** The matcher found a likely QBO twin of an app customer: a person must decide (review queue). */
  "record.needs_review": z.object({
    ref: z.string(),
    runId: z.string(),
    qboId: z.string(),
    score: z.number(),
    reasons: z.array(z.string()),
  }),
  /** Two customers became one: merged in Ledgerlink, or merged in QBO and the link followed. */
  "customer.merged": z.object({
    ref: z.string(),
    survivorId: z.string().nullable(),
    mergedId: z.string().nullable(),
    where: z.enum(["ledgerlink", "quickbooks"]),
    fromQboId: z.string().nullable(),
    toQboId: z.string().nullable(),
  }),
  /** A payment recorded in QBO (not sent by Ledgerlink) paid one of the app's invoices in full. */
  "invoice.paid": z.object({
    ref: z.string(),
    qboInvoiceId: z.string(),
    qboPaymentId: z.string(),
    /** Decimal strings in the company's currency ("125.00"). */
    amount: z.string(),
    balance: z.string(),
  }),
  /** A sync run finished (any final status). */
  "run.completed": z.object({
    runId: z.string(),
    status: runStatusSchema,
    trigger: runTriggerSchema,
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    counts: outcomeCountsSchema,
    note: z.string().nullable(),
  }),
  /** QuickBooks refused the company's grant: someone must reconnect before the next sync. */
  "connection.needs_reconnect": z.object({ reason: z.string(), runId: z.string().nullable() }),
  /** A global sync brought a QBO-only customer or item into the app's records (origin "qbo"). */
  "record.created_from_qbo": z.object({
    ref: z.string(),
    kind: z.enum(["customer", "item"]),
    id: z.string(),
    qboId: z.string(),
    name: z.string(),
    parentId: z.string().nullable(),
    active: z.boolean(),
  }),
} as const;

export type OutboundEventType = keyof typeof outboundEventDataSchemas;
export const outboundEventTypes = Object.keys(outboundEventDataSchemas) as OutboundEventType[];
export const outboundEventTypeSchema = named(
  "OutboundEventType",
  z.enum(outboundEventTypes as [OutboundEventType, ...OutboundEventType[]]),
);

/** `data` of each event type. */
export type OutboundEventDataMap = {
  [K in OutboundEventType]: z.infer<(typeof outboundEventDataSchemas)[K]>;
};

/** One event as the webhook body carries it (and as `ledgerlink.on` listeners receive it). */
export type OutboundEvent<K extends OutboundEventType = OutboundEventType> = {
  [T in K]: {
    /** `evt_…`: the same on every delivery and redelivery; de-duplicate by it. */
    id: string;
    type: T;
    companyId: string;
    createdAt: string;
    /** What the event is about; events of one subject are delivered in order. */
    subject: string;
    data: OutboundEventDataMap[T];
  };
}[K];

export const outboundEventSchema = named(
  "OutboundEvent",
  z.discriminatedUnion(
    "type",
    outboundEventTypes.map((type) =>
      z.object({
        id: z.string(),
        type: z.literal(type),
        companyId: z.string(),
        createdAt: z.string(),
        subject: z.string(),
        data: outboundEventDataSchemas[type],
      }),
    ) as unknown as [z.ZodObject, z.ZodObject, ...z.ZodObject[]],
  ),
  "The body of a webhook delivery: sign-checked JSON, de-duplicate by id",
);

// ---- endpoint management -------------------------------------------------------------------

export const webhookEndpointSchema = named(
  "WebhookEndpoint",
  z.object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    /** Empty: every event type. */
    eventTypes: z.array(outboundEventTypeSchema),
    enabled: z.boolean(),
    /** Why Ledgerlink turned it off: the receiver answered 410 Gone. Null when enabled or turned off by hand. */
    disabledReason: z.string().nullable(),
    /** The last four characters of the secret, to tell secrets apart; the secret is shown once. */
    secretHint: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export type WebhookEndpointDto = z.infer<typeof webhookEndpointSchema>;

export const webhookEndpointWithSecretSchema = named(
  "WebhookEndpointWithSecret",
  webhookEndpointSchema.extend({
    /** `whsec_…`: shown only in this answer; store it where the receiver can read it. */
    secret: z.string(),
  }),
);

const endpointUrl = z
  .string()
  .max(2000)
  .url("an absolute http(s) URL")
  .refine((u) => /^https?:\/\//i.test(u), "an http or https URL");

export const createWebhookEndpointBody = z.object({
  url: endpointUrl,
  description: z.string().max(500).default(""),
  eventTypes: z.array(outboundEventTypeSchema).max(50).default([]),
});
export const updateWebhookEndpointBody = z
  .object({
    url: endpointUrl.optional(),
    description: z.string().max(500).optional(),
    eventTypes: z.array(outboundEventTypeSchema).max(50).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "at least one of url, description, eventTypes, enabled");
export const webhookEndpointParams = z.object({
  companyId: z.string().min(1),
  id: z.string().min(1).max(100),
});
export const webhookEndpointListSchema = named(
  "WebhookEndpointList",
  z.object({ items: z.array(webhookEndpointSchema) }),
);
export const deletedResponse = z.object({ id: z.string(), deleted: z.literal(true) });

// ---- deliveries ----------------------------------------------------------------------------

export const deliveryStateSchema = named("DeliveryState", z.enum(["pending", "delivered", "failed"]));

export const deliveryAttemptSchema = named(
  "DeliveryAttempt",
  z.object({
    attempt: z.number().int(),
    at: z.string(),
    durationMs: z.number().int(),
    /** null when no answer came (connection refused, timeout). */
    statusCode: z.number().int().nullable(),
    ok: z.boolean(),
    error: z.string().nullable(),
    /** The receiver's answer, cut to 1,000 characters. */
    responseBody: z.string().nullable(),
  }),
);

export const deliverySchema = named(
  "WebhookDelivery",
  z.object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: outboundEventTypeSchema,
    subject: z.string(),
    state: deliveryStateSchema,
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  }),
);
export type DeliveryDto = z.infer<typeof deliverySchema>;
export const deliveryDetailSchema = named(
  "WebhookDeliveryDetail",
  deliverySchema.extend({ event: outboundEventSchema, log: z.array(deliveryAttemptSchema) }),
);
export const listDeliveriesQuery = pageQuery.extend({
  endpointId: z.string().max(100).optional(),
  state: deliveryStateSchema.optional(),
  eventType: outboundEventTypeSchema.optional(),
});
export const deliveryPageSchema = named("WebhookDeliveryPage", pageOf(deliverySchema));
export const deliveryParams = z.object({ companyId: z.string().min(1), id: z.string().min(1).max(100) });

// ---- global sync ---------------------------------------------------------------------------

export const globalSyncBody = z.object({
  /** "active": only active QBO customers and items (default); "all": inactive ones too. */
  scope: z.enum(["active", "all"]).default("active"),
  /** Which QBO lists to bring in (default both). */
  kinds: z
    .array(z.enum(["customer", "item"]))
    .min(1)
    .max(2)
    .default(["customer", "item"]),
});

const globalSyncItem = z.object({
  kind: z.enum(["customer", "item"]),
  qboId: z.string(),
  name: z.string(),
  /** The id the app's record gets (`qbo-<QBO Id>`). */
  id: z.string(),
  parentId: z.string().nullable(),
  active: z.boolean(),
});
const globalSyncSkip = z.object({
  kind: z.enum(["customer", "item"]),
  qboId: z.string(),
  name: z.string(),
  reason: z.enum(["linked", "matched", "review", "inactive", "parent-not-brought", "decided"]),
  /** The app record it matched or may match (score and reasons for review). */
  localId: z.string().nullable(),
  score: z.number().nullable(),
});
export const globalSyncPlanSchema = named(
  "GlobalSyncPlan",
  z.object({
    scope: z.enum(["active", "all"]),
    counts: z.object({
      create: z.number().int(),
      linked: z.number().int(),
      matched: z.number().int(),
      review: z.number().int(),
      skipped: z.number().int(),
    }),
    creates: z.array(globalSyncItem),
    skipped: z.array(globalSyncSkip),
  }),
);
export const globalSyncResultSchema = named(
  "GlobalSyncResult",
  globalSyncPlanSchema.extend({
    /** Records created in the app and linked (already there: not counted). */
    created: z.number().int(),
    /** Review items opened for QBO customers that may be an app customer spelled differently. */
    reviewsOpened: z.number().int(),
  }),
);
