import type { OutboundEvent, OutboundEventDataMap, OutboundEventType } from "@ledgerlink/core";
import type { Kysely, Selectable, Transaction } from "kysely";
import { newId } from "./ids.js";
import { decodeCursor, encodeCursor } from "./page-cursor.js";
import type { Database, OutboundDeliveriesTable, OutboundEndpointsTable } from "./schema.js";
import { toBool } from "./company-store.js";

/** An event to record: its type, what it is about, and its data (typed by the shared event map). */
export type NewOutboundEvent = {
  [K in OutboundEventType]: { type: K; subject: string; data: OutboundEventDataMap[K] };
}[OutboundEventType];

export class EndpointNotFoundError extends Error {
  override readonly name = "EndpointNotFoundError";
  readonly field = "id";
  constructor(readonly endpointId: string) {
    super(`Webhook endpoint ${endpointId} does not exist in this company`);
  }
}

export class DeliveryNotFoundError extends Error {
  override readonly name = "DeliveryNotFoundError";
  readonly field = "id";
  constructor(readonly deliveryId: string) {
    super(`Webhook delivery ${deliveryId} does not exist in this company`);
  }
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Writes events to the outbox and one pending delivery for each enabled endpoint that takes the type.
 * Called with the transaction of what the events describe (a confirmed write, a finding, a merge...),
 * so an event exists exactly when its cause was committed. Returns the events as delivered.
 */
export async function writeOutboundEvents(
  db: Db,
  companyId: string,
  events: readonly NewOutboundEvent[],
  at: string,
): Promise<OutboundEvent[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({
    id: `evt_${newId()}`,
    company_id: companyId,
    type: e.type,
    subject: e.subject,
    data: JSON.stringify(e.data),
    created_at: at,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto("outbound_events")
      .values(rows.slice(i, i + 500))
      .execute();
  const endpoints = await db
    .selectFrom("outbound_endpoints")
    .select(["id", "event_types"])
    .where("company_id", "=", companyId)
    .where("enabled", "=", 1)
    .execute();
  const deliveries = [];
  for (const ep of endpoints) {
    const types = JSON.parse(ep.event_types) as string[];
    for (const row of rows) {
      if (types.length > 0 && !types.includes(row.type)) continue;
      deliveries.push({
        id: `dlv_${newId()}`,
        company_id: companyId,
        endpoint_id: ep.id,
        event_id: row.id,
        event_type: row.type,
        subject: row.subject,
        state: "pending",
        attempts: 0,
        next_attempt_at: at,
        last_status_code: null,
        last_error: null,
        delivered_at: null,
        created_at: at,
      });
    }
  }
  for (let i = 0; i < deliveries.length; i += 500)
    await db
      .insertInto("outbound_deliveries")
      .values(deliveries.slice(i, i + 500))
      .execute();
  return rows.map((r) => eventOf(r));
}

function eventOf(row: {
  id: string;
  company_id: string;
  type: string;
  subject: string;
  data: string;
  created_at: string;
}): OutboundEvent {
  return {
    id: row.id,
    type: row.type,
    companyId: row.company_id,
    createdAt: row.created_at,
    subject: row.subject,
    data: JSON.parse(row.data) as unknown,
  } as OutboundEvent;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  eventTypes: OutboundEventType[];
  enabled: boolean;
  /** Why Ledgerlink turned it off (the receiver answered 410 Gone); null otherwise. */
  disabledReason: string | null;
  secretHint: string;
  createdAt: string;
  updatedAt: string;
}

/** The endpoint with its sealed secrets, for the deliverer (never leaves the server). */
export interface SigningEndpoint extends WebhookEndpoint {
  sealedSecret: string;
  previousSealedSecret: string | null;
  previousSecretUntil: string | null;
}

function endpointOf(r: Selectable<OutboundEndpointsTable>): SigningEndpoint {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    eventTypes: JSON.parse(r.event_types) as OutboundEventType[],
    enabled: toBool(r.enabled),
    disabledReason: r.disabled_reason,
    secretHint: r.secret_hint,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sealedSecret: r.sealed_secret,
    previousSealedSecret: r.previous_sealed_secret,
    previousSecretUntil: r.previous_secret_until,
  };
}

const publicEndpoint = (e: SigningEndpoint): WebhookEndpoint => ({
  id: e.id,
  url: e.url,
  description: e.description,
  eventTypes: e.eventTypes,
  enabled: e.enabled,
  disabledReason: e.disabledReason,
  secretHint: e.secretHint,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

export interface Delivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: OutboundEventType;
  subject: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

function deliveryOf(r: Selectable<OutboundDeliveriesTable>): Delivery {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type as OutboundEventType,
    subject: r.subject,
    state: r.state as Delivery["state"],
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
  };
}

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  durationMs: number;
  statusCode: number | null;
  ok: boolean;
  error: string | null;
  responseBody: string | null;
}

/** A delivery the deliverer is about to attempt: the delivery, its event, its endpoint. */
export interface DueDelivery {
  delivery: Delivery;
  event: OutboundEvent;
  endpoint: SigningEndpoint;
}

/**
 * One company's outbound events: webhook endpoints, the events outbox, deliveries and their log.
 * The deliverer (server `outbound/`) reads what is due and writes each attempt's outcome here.
 */
export class OutboundStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  /** Records events outside any other write (a run's end, a reconnect notice). */
  write(events: readonly NewOutboundEvent[], at: string): Promise<OutboundEvent[]> {
    return this.db.transaction().execute((trx) => writeOutboundEvents(trx, this.companyId, events, at));
  }

  /** Events, oldest first (after `afterId` when given); `latest`: newest first. */
  async listEvents(
    opts: { afterId?: string; limit?: number; latest?: boolean } = {},
  ): Promise<OutboundEvent[]> {
    let q = this.db
      .selectFrom("outbound_events")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .orderBy("id", opts.latest ? "desc" : "asc")
      .limit(opts.limit ?? 1000);
    if (opts.afterId !== undefined) q = q.where("id", ">", opts.afterId);
    return (await q.execute()).map(eventOf);
  }

  // ---- endpoints -----------------------------------------------------------------------------

  async createEndpoint(input: {
    url: string;
    description: string;
    eventTypes: readonly OutboundEventType[];
    sealedSecret: string;
    secretHint: string;
    at: string;
  }): Promise<WebhookEndpoint> {
    const id = `we_${newId()}`;
    await this.db
      .insertInto("outbound_endpoints")
      .values({
        id,
        company_id: this.companyId,
        url: input.url,
        description: input.description,
        event_types: JSON.stringify([...new Set(input.eventTypes)]),
        enabled: 1,
        sealed_secret: input.sealedSecret,
        secret_hint: input.secretHint,
        previous_sealed_secret: null,
        previous_secret_until: null,
        disabled_reason: null,
        created_at: input.at,
        updated_at: input.at,
      })
      .execute();
    return this.getEndpoint(id);
  }

  async listEndpoints(): Promise<WebhookEndpoint[]> {
    const rows = await this.db
      .selectFrom("outbound_endpoints")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .orderBy("id")
      .execute();
    return rows.map((r) => publicEndpoint(endpointOf(r)));
  }

  async getEndpoint(id: string): Promise<WebhookEndpoint> {
    return publicEndpoint(await this.signingEndpoint(id));
  }

  /** With its sealed secrets (the deliverer and rotation only). */
  async signingEndpoint(id: string): Promise<SigningEndpoint> {
    const row = await this.db
      .selectFrom("outbound_endpoints")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row) throw new EndpointNotFoundError(id);
    return endpointOf(row);
  }

  async updateEndpoint(
    id: string,
    patch: {
      url?: string;
      description?: string;
      eventTypes?: readonly OutboundEventType[];
      enabled?: boolean;
    },
    at: string,
  ): Promise<WebhookEndpoint> {
    const result = await this.db
      .updateTable("outbound_endpoints")
      .set({
        ...(patch.url === undefined ? {} : { url: patch.url }),
        ...(patch.description === undefined ? {} : { description: patch.description }),
        ...(patch.eventTypes === undefined
          ? {}
          : { event_types: JSON.stringify([...new Set(patch.eventTypes)]) }),
        // A person's change of state replaces any reason Ledgerlink gave for turning it off.
        ...(patch.enabled === undefined ? {} : { enabled: patch.enabled ? 1 : 0, disabled_reason: null }),
        updated_at: at,
      })
      .where("company_id", "=", this.companyId)
      .where("id", "=", id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new EndpointNotFoundError(id);
    return this.getEndpoint(id);
  }

  /** New secret; the old one keeps signing (a second signature) until `previousUntil`. */
  async rotateSecret(
    id: string,
    input: { sealedSecret: string; secretHint: string; previousUntil: string; at: string },
  ): Promise<WebhookEndpoint> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("outbound_endpoints")
        .select(["sealed_secret"])
        .where("company_id", "=", this.companyId)
        .where("id", "=", id)
        .executeTakeFirst();
      if (!row) throw new EndpointNotFoundError(id);
      await trx
        .updateTable("outbound_endpoints")
        .set({
          sealed_secret: input.sealedSecret,
          secret_hint: input.secretHint,
          previous_sealed_secret: row.sealed_secret,
          previous_secret_until: input.previousUntil,
          updated_at: input.at,
        })
        .where("company_id", "=", this.companyId)
        .where("id", "=", id)
        .execute();
    });
    return this.getEndpoint(id);
  }

  /**
   * Replaces the endpoint's sealed secrets with the same secrets sealed under another key (a token-key
   * rotation), only if they are still `expected`: a rotation of the secret in between wins. Returns
   * whether it replaced them.
   */
  async resealSecrets(
    id: string,
    expected: { sealedSecret: string; previousSealedSecret: string | null },
    next: { sealedSecret: string; previousSealedSecret: string | null },
  ): Promise<boolean> {
    let q = this.db
      .updateTable("outbound_endpoints")
      .set({ sealed_secret: next.sealedSecret, previous_sealed_secret: next.previousSealedSecret })
      .where("company_id", "=", this.companyId)
      .where("id", "=", id)
      .where("sealed_secret", "=", expected.sealedSecret);
    q =
      expected.previousSealedSecret === null
        ? q.where("previous_sealed_secret", "is", null)
        : q.where("previous_sealed_secret", "=", expected.previousSealedSecret);
    return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
  }

  /** Deletes the endpoint with its deliveries and their log (the events stay). */
  async deleteEndpoint(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const gone = await trx
        .deleteFrom("outbound_endpoints")
        .where("company_id", "=", this.companyId)
        .where("id", "=", id)
        .executeTakeFirst();
      if (Number(gone.numDeletedRows) === 0) throw new EndpointNotFoundError(id);
      const ids = trx
        .selectFrom("outbound_deliveries")
        .select("id")
        .where("company_id", "=", this.companyId)
        .where("endpoint_id", "=", id);
      await trx
        .deleteFrom("outbound_attempts")
        .where("company_id", "=", this.companyId)
        .where("delivery_id", "in", ids)
        .execute();
      await trx
        .deleteFrom("outbound_deliveries")
        .where("company_id", "=", this.companyId)
        .where("endpoint_id", "=", id)
        .execute();
    });
  }

  // ---- deliveries ----------------------------------------------------------------------------

  /** Deliveries, newest first, by endpoint, state and event type. */
  async listDeliveries(opts: {
    limit: number;
    cursor?: string;
    endpointId?: string;
    state?: Delivery["state"];
    eventType?: OutboundEventType;
  }): Promise<{ items: Delivery[]; nextCursor: string | null }> {
    let q = this.db
      .selectFrom("outbound_deliveries")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .orderBy("id", "desc")
      .limit(opts.limit + 1);
    if (opts.cursor !== undefined) q = q.where("id", "<", decodeCursor(opts.cursor, { id: "string" }).id);
    if (opts.endpointId !== undefined) q = q.where("endpoint_id", "=", opts.endpointId);
    if (opts.state !== undefined) q = q.where("state", "=", opts.state);
    if (opts.eventType !== undefined) q = q.where("event_type", "=", opts.eventType);
    const rows = await q.execute();
    const page = rows.slice(0, opts.limit).map(deliveryOf);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: rows.length > opts.limit && last !== undefined ? encodeCursor({ id: last.id }) : null,
    };
  }

  async getDelivery(id: string): Promise<Delivery & { event: OutboundEvent; log: DeliveryAttempt[] }> {
    const row = await this.db
      .selectFrom("outbound_deliveries")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row) throw new DeliveryNotFoundError(id);
    const event = await this.db
      .selectFrom("outbound_events")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("id", "=", row.event_id)
      .executeTakeFirstOrThrow();
    const log = await this.db
      .selectFrom("outbound_attempts")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("delivery_id", "=", id)
      .orderBy("attempt")
      .execute();
    return {
      ...deliveryOf(row),
      event: eventOf(event),
      log: log.map((a) => ({
        attempt: Number(a.attempt),
        at: a.at,
        durationMs: Number(a.duration_ms),
        statusCode: a.status_code === null ? null : Number(a.status_code),
        ok: toBool(a.ok),
        error: a.error,
        responseBody: a.response_body,
      })),
    };
  }

  /** Queues a delivery again at once (delivered or failed alike); the event keeps its id. */
  async redeliver(id: string, at: string): Promise<Delivery> {
    const result = await this.db
      .updateTable("outbound_deliveries")
      .set({ state: "pending", next_attempt_at: at })
      .where("company_id", "=", this.companyId)
      .where("id", "=", id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new DeliveryNotFoundError(id);
    const row = await this.db
      .selectFrom("outbound_deliveries")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    return deliveryOf(row);
  }

  /**
   * What is due: pending deliveries to enabled endpoints whose time has come, and only the oldest
   * pending one of each endpoint and subject, so a record's events arrive in the order they happened.
   */
  async dueDeliveries(now: string, limit: number): Promise<DueDelivery[]> {
    const rows = await this.db
      .selectFrom("outbound_deliveries as d")
      .innerJoin("outbound_endpoints as ep", "ep.id", "d.endpoint_id")
      .innerJoin("outbound_events as ev", "ev.id", "d.event_id")
      .selectAll("d")
      .select([
        "ev.type as ev_type",
        "ev.subject as ev_subject",
        "ev.data as ev_data",
        "ev.created_at as ev_created_at",
      ])
      .where("d.company_id", "=", this.companyId)
      .where("ep.company_id", "=", this.companyId)
      .where("ep.enabled", "=", 1)
      .where("d.state", "=", "pending")
      .where("d.next_attempt_at", "<=", now)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("outbound_deliveries as e")
              .select("e.id")
              .whereRef("e.endpoint_id", "=", "d.endpoint_id")
              .whereRef("e.subject", "=", "d.subject")
              .where("e.state", "=", "pending")
              .whereRef("e.event_id", "<", "d.event_id"),
          ),
        ),
      )
      .orderBy("d.event_id")
      .limit(limit)
      .execute();
    const endpoints = new Map<string, SigningEndpoint>();
    const out: DueDelivery[] = [];
    for (const r of rows) {
      let endpoint = endpoints.get(r.endpoint_id);
      if (!endpoint) {
        endpoint = await this.signingEndpoint(r.endpoint_id);
        endpoints.set(r.endpoint_id, endpoint);
      }
      out.push({
        delivery: deliveryOf(r),
        event: eventOf({
          id: r.event_id,
          company_id: this.companyId,
          type: r.ev_type,
          subject: r.ev_subject,
          data: r.ev_data,
          created_at: r.ev_created_at,
        }),
        endpoint,
      });
    }
    return out;
  }

  /**
   * Takes a due delivery for one attempt: moves its next attempt to `until` only if no other deliverer
   * took it since it was read, so two processes never post the same attempt.
   */
  async claim(delivery: Delivery, until: string): Promise<boolean> {
    const result = await this.db
      .updateTable("outbound_deliveries")
      .set({ next_attempt_at: until })
      .where("company_id", "=", this.companyId)
      .where("id", "=", delivery.id)
      .where("state", "=", "pending")
      .where("next_attempt_at", "=", delivery.nextAttemptAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * The outcome of one attempt: a log row, and the delivery delivered, retried at `retryAt`, or failed.
   * `disableEndpoint`: the receiver is gone (410), so its endpoint is turned off with this reason in the
   * same commit; its pending deliveries wait, and go out in order if a person enables it again.
   */
  async recordAttempt(
    delivery: Delivery,
    attempt: Omit<DeliveryAttempt, "attempt">,
    next: { state: "delivered" } | { state: "pending"; retryAt: string } | { state: "failed" },
    disableEndpoint?: { reason: string },
  ): Promise<void> {
    const number = delivery.attempts + 1;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("outbound_attempts")
        .values({
          id: newId(),
          company_id: this.companyId,
          delivery_id: delivery.id,
          attempt: number,
          at: attempt.at,
          duration_ms: Math.round(attempt.durationMs),
          status_code: attempt.statusCode,
          ok: attempt.ok ? 1 : 0,
          error: attempt.error,
          response_body: attempt.responseBody,
        })
        .execute();
      await trx
        .updateTable("outbound_deliveries")
        .set({
          state: next.state,
          attempts: number,
          next_attempt_at: next.state === "pending" ? next.retryAt : null,
          last_status_code: attempt.statusCode,
          last_error: attempt.error,
          ...(next.state === "delivered" ? { delivered_at: attempt.at } : {}),
        })
        .where("company_id", "=", this.companyId)
        .where("id", "=", delivery.id)
        .execute();
      if (disableEndpoint)
        await trx
          .updateTable("outbound_endpoints")
          .set({ enabled: 0, disabled_reason: disableEndpoint.reason, updated_at: attempt.at })
          .where("company_id", "=", this.companyId)
          .where("id", "=", delivery.endpointId)
          .execute();
    });
  }
}
