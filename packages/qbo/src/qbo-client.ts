import type { QboCustomer, QboCustomerApi } from "@ledgerlink/core";
import type {
  QboCompanyInfo,
  QboDeletableEntity,
  QboEntityMap,
  QboEntityName,
  QboPreferences,
  QboWritableEntity,
} from "./entity-types.js";
import { nameListEntities } from "./entity-types.js";
import { MAX_BATCH_ITEMS, chunk, type BatchItemResult, type BatchOperation } from "./batch-operation.js";
import type { CdcChange, CdcResult } from "./cdc-result.js";
import { QBO_MINOR_VERSION } from "./minor-version.js";
import { errorFromBatchFault, errorFromResponse } from "./parse-fault.js";
import {
  mayHaveRun,
  QboAuthError,
  QboError,
  QboInputError,
  QboNetworkError,
  QboUnexpectedResponseError,
} from "./qbo-error.js";
import { MAX_RESULTS, type QueryBuilder } from "./query-builder.js";
import type { CallKind, RateLimiter } from "./rate-limiter.js";
import { requestIdFor } from "./request-id.js";
import { decide, type RetryDecision, type RetryPolicyOptions } from "./retry-policy.js";

export interface QboClientOptions {
  /** `https://quickbooks.api.intuit.com`, the sandbox host, or the emulator's URL. */
  baseUrl: string;
  realmId: string;
  /** Hands out a current access token; `forceRefresh` after QBO refused one with 401. */
  getAccessToken: (options?: { forceRefresh?: boolean }) => Promise<string>;
  fetch?: typeof fetch;
  /** Defaults to QBO_MINOR_VERSION; overriding is for tests of version handling only. */
  minorVersion?: number;
  limiter?: RateLimiter;
  /** Retry policy overrides, or `false` to never retry. */
  retry?: Partial<RetryPolicyOptions> | false;
  /** Injected so retry paths can be tested without waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Per attempt; QBO itself gives up at 120 s. */
  timeoutMs?: number;
  /** Observes every retry (logging, metrics). */
  onRetry?: (event: { path: string; attempt: number; error: QboError; decision: RetryDecision }) => void;
}

export interface WriteOptions {
  /**
   * QBO's idempotency key (≤ 50 chars): a repeat of the same write returns the first answer. Derive
   * it from the operation's identity (see requestIdFor), never from a random value per attempt.
   */
  requestId: string;
}

export interface UpdateOptions extends WriteOptions {
  /** Sparse (default) changes only the fields sent; a full update nulls omitted writable fields. */
  sparse?: boolean;
}

export interface QueryPage<T> {
  items: T[];
  startPosition: number;
  maxResults: number;
}

export interface DeletedRecord {
  Id: string;
  status: "Deleted";
}

interface SendRequest {
  method: "GET" | "POST";
  /** Below /v3/company/{realmId}/ */
  path: string;
  params?: Record<string, string>;
  json?: unknown;
  kind?: CallKind;
  /** Sees every successful response (headers such as intuit_tid). */
  onResponse?: (res: Response) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The QBO v3 client for one company (realm). Every call goes through the rate limiter, carries the
 * pinned minorversion, is retried per the pure retry policy, and fails with a typed QboError.
 */
export class QboClient implements QboCustomerApi {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly minorVersion: number;

  constructor(private readonly o: QboClientOptions) {
    if (!o.realmId || !/^[0-9A-Za-z-]+$/.test(o.realmId)) {
      throw new QboInputError(`realmId "${o.realmId}" is not a QBO company id`, "realmId");
    }
    this.base = `${o.baseUrl.replace(/\/+$/, "")}/v3/company/${o.realmId}/`;
    this.fetchFn = o.fetch ?? globalThis.fetch;
    this.minorVersion = o.minorVersion ?? QBO_MINOR_VERSION;
  }

  get realmId(): string {
    return this.o.realmId;
  }

  // ---- the core port -------------------------------------------------------------------------

  createCustomer(payload: QboCustomer, options: WriteOptions): Promise<QboCustomer> {
    return this.create("Customer", payload, options);
  }

  updateCustomer(payload: QboCustomer, options: WriteOptions): Promise<QboCustomer> {
    return this.update("Customer", payload, options);
  }

  // ---- entities ------------------------------------------------------------------------------

  async create<E extends QboWritableEntity>(
    entity: E,
    payload: QboEntityMap[E],
    options: WriteOptions,
  ): Promise<QboEntityMap[E]> {
    if ((payload as { Id?: string }).Id !== undefined) {
      throw new QboInputError(
        `${entity} create must not carry an Id (got ${(payload as { Id?: string }).Id})`,
        "Id",
      );
    }
    return this.write(entity, payload, options, undefined);
  }

  async read<E extends QboEntityName>(entity: E, id: string): Promise<QboEntityMap[E]> {
    checkId(entity, id);
    const body = await this.send({
      method: "GET",
      path: `${entity.toLowerCase()}/${encodeURIComponent(id)}`,
    });
    return unwrap(body, entity) as QboEntityMap[E];
  }

  async update<E extends QboWritableEntity>(
    entity: E,
    payload: QboEntityMap[E],
    options: UpdateOptions,
  ): Promise<QboEntityMap[E]> {
    const p = payload as { Id?: string; SyncToken?: string };
    checkId(entity, p.Id);
    if (p.SyncToken === undefined || p.SyncToken === "") {
      throw new QboInputError(`${entity} ${p.Id}: an update needs the current SyncToken`, "SyncToken");
    }
    return this.write(entity, { ...payload, sparse: options.sparse ?? true }, options, undefined);
  }

  /** Transactions only; name-list records are made inactive with `deactivate`. */
  async delete<E extends QboDeletableEntity>(
    entity: E,
    ref: { Id: string; SyncToken: string },
    options: WriteOptions,
  ): Promise<DeletedRecord> {
    checkId(entity, ref.Id);
    const body = await this.send({
      method: "POST",
      path: entity.toLowerCase(),
      params: { operation: "delete", requestid: checkRequestId(options.requestId) },
      json: { Id: ref.Id, SyncToken: ref.SyncToken },
    });
    const rec = unwrap(body, entity) as { Id?: string; status?: string };
    return { Id: rec.Id ?? ref.Id, status: "Deleted" };
  }

  async void<E extends "Invoice" | "Payment">(
    entity: E,
    ref: { Id: string; SyncToken: string },
    options: WriteOptions,
  ): Promise<QboEntityMap[E]> {
    checkId(entity, ref.Id);
    return this.write(
      entity,
      { Id: ref.Id, SyncToken: ref.SyncToken, sparse: true } as QboEntityMap[E],
      options,
      "void",
    );
  }

  /** Name-list entities are never deleted in QBO, only made inactive. */
  deactivate<E extends "Customer" | "Item" | "Account">(
    entity: E,
    ref: { Id: string; SyncToken: string },
    options: WriteOptions,
  ): Promise<QboEntityMap[E]> {
    return this.update(
      entity,
      { Id: ref.Id, SyncToken: ref.SyncToken, Active: false } as QboEntityMap[E],
      options,
    );
  }

  async readPreferences(): Promise<QboPreferences> {
    return unwrap(await this.send({ method: "GET", path: "preferences" }), "Preferences") as QboPreferences;
  }

  async readCompanyInfo(): Promise<QboCompanyInfo> {
    const body = await this.send({ method: "GET", path: `companyinfo/${this.o.realmId}` });
    return unwrap(body, "CompanyInfo") as QboCompanyInfo;
  }

  // ---- queries -------------------------------------------------------------------------------

  /** One page; `startPosition` is 1-based. */
  async queryPage<E extends QboEntityName>(
    q: QueryBuilder<E>,
    startPosition = 1,
    maxResults = MAX_RESULTS,
  ): Promise<QueryPage<QboEntityMap[E]>> {
    const body = await this.runQuery(q.page(startPosition, maxResults));
    const qr = queryResponse(body);
    const items = (Array.isArray(qr[q.entity]) ? qr[q.entity] : []) as QboEntityMap[E][];
    return { items: items.filter((r) => q.matches(r)), startPosition, maxResults };
  }

  /** Every matching record, page by page (a short page is the last). */
  async *iterate<E extends QboEntityName>(
    q: QueryBuilder<E>,
    pageSize = MAX_RESULTS,
  ): AsyncGenerator<QboEntityMap[E]> {
    for (let start = 1; ; start += pageSize) {
      const body = await this.runQuery(q.page(start, pageSize));
      const raw = queryResponse(body)[q.entity];
      const items = (Array.isArray(raw) ? raw : []) as QboEntityMap[E][];
      for (const r of items) if (q.matches(r)) yield r;
      if (items.length < pageSize) return;
    }
  }

  async queryAll<E extends QboEntityName>(
    q: QueryBuilder<E>,
    pageSize = MAX_RESULTS,
  ): Promise<QboEntityMap[E][]> {
    const out: QboEntityMap[E][] = [];
    for await (const r of this.iterate(q, pageSize)) out.push(r);
    return out;
  }

  /**
   * Every record of a name-list entity, active and inactive (what matching needs), or every
   * transaction.
   */
  listAll<E extends QboEntityName>(q: QueryBuilder<E>): Promise<QboEntityMap[E][]> {
    return this.queryAll(nameListEntities.has(q.entity) ? q.includeInactive() : q);
  }

  async count<E extends QboEntityName>(q: QueryBuilder<E>): Promise<number> {
    if (q.hasResidualFilter) {
      throw new QboInputError(
        "COUNT cannot apply a LIKE literal containing %; use queryAll(...).length",
        "query",
      );
    }
    const n = queryResponse(await this.runQuery(q.count()))["totalCount"];
    return typeof n === "number" ? n : 0;
  }

  /** A raw query string, for callers that build their own (values must already be escaped). */
  rawQuery(query: string): Promise<unknown> {
    return this.runQuery(query);
  }

  private runQuery(query: string): Promise<unknown> {
    return this.send({ method: "GET", path: "query", params: { query } });
  }

  // ---- batch --------------------------------------------------------------------------------

  /**
   * Sends the operations in batch calls of at most 30 and returns one result per operation, in
   * input order. Items are independent in QBO (one cannot reference another created in the same
   * call), so callers put parents and children in different batches. Each call's requestid is
   * derived from its items' keys: make each key name the operation and its generation (e.g. the
   * item's requestIdFor), so a retried call replays instead of writing twice.
   */
  async batch(
    ops: readonly BatchOperation[],
    options: { concurrency?: number } = {},
  ): Promise<BatchItemResult[]> {
    const seen = new Set<string>();
    for (const op of ops) {
      if (!op.key) throw new QboInputError(`batch ${op.operation} of ${op.entity}: key is required`, "key");
      if (seen.has(op.key)) throw new QboInputError(`batch key "${op.key}" appears twice`, "key");
      seen.add(op.key);
    }
    const chunks = chunk(ops, MAX_BATCH_ITEMS);
    const results: BatchItemResult[][] = new Array<BatchItemResult[]>(chunks.length);
    let stop: QboError | undefined;
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const i = next++;
        const c = chunks[i]!;
        if (stop) {
          results[i] = c.map((op) => ({ key: op.key, ok: false as const, error: stop! }));
          continue;
        }
        try {
          results[i] = await this.batchCall(c);
        } catch (e) {
          const err = e instanceof QboError ? e : new QboNetworkError({ message: String(e), cause: e });
          // Without a working grant every later call fails the same way; don't spend them.
          if (err instanceof QboAuthError) stop = err;
          results[i] = c.map((op) => ({ key: op.key, ok: false as const, error: err }));
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, chunks.length)) }, worker),
    );
    return results.flat();
  }

  private async batchCall(ops: readonly BatchOperation[]): Promise<BatchItemResult[]> {
    const BatchItemRequest = ops.map((op, i) => ({
      bId: String(i),
      operation: op.operation,
      [op.entity]: op.operation === "update" ? { sparse: true, ...op.payload } : op.payload,
    }));
    const requestid = requestIdFor({
      companyId: this.o.realmId,
      operation: "batch",
      entity: "Batch",
      recordId: ops.map((o) => o.key).join("\n"),
      generation: 0,
    });
    let tid: string | undefined;
    const body = await this.send({
      method: "POST",
      path: "batch",
      params: { requestid },
      json: { BatchItemRequest },
      kind: "batch",
      onResponse: (res) => {
        tid = res.headers.get("intuit_tid") ?? undefined;
      },
    });
    const items = (body as { BatchItemResponse?: unknown }).BatchItemResponse;
    if (!Array.isArray(items)) {
      throw new QboUnexpectedResponseError({
        message: "Batch response has no BatchItemResponse",
        intuitTid: tid,
      });
    }
    const byBId = new Map<string, Record<string, unknown>>();
    for (const item of items) {
      if (item !== null && typeof item === "object" && typeof (item as { bId?: unknown }).bId === "string") {
        byBId.set((item as { bId: string }).bId, item as Record<string, unknown>);
      }
    }
    return ops.map((op, i): BatchItemResult => {
      const item = byBId.get(String(i));
      if (!item) {
        return {
          key: op.key,
          ok: false,
          error: new QboUnexpectedResponseError({
            message: `Batch response has no item for ${op.key}`,
            intuitTid: tid,
          }),
        };
      }
      if ("Fault" in item) return { key: op.key, ok: false, error: errorFromBatchFault(item["Fault"], tid) };
      const record = item[op.entity];
      if (record === null || typeof record !== "object") {
        return {
          key: op.key,
          ok: false,
          error: new QboUnexpectedResponseError({
            message: `Batch item ${op.key} has no ${op.entity}`,
            intuitTid: tid,
          }),
        };
      }
      return { key: op.key, ok: true, entity: op.entity, record: record as Record<string, unknown> };
    });
  }

  // ---- change data capture -------------------------------------------------------------------

  /**
   * Changes since `changedSince` (QBO looks back at most 30 days and returns at most 1000 objects
   * in all; entities that may have been cut by the cap are listed in `truncated`). Deleted records come back
   * as `deleted: true` with only their Id.
   */
  async cdc(entities: readonly QboEntityName[], changedSince: Date): Promise<CdcResult> {
    if (entities.length === 0) throw new QboInputError("cdc needs at least one entity", "entities");
    if (Number.isNaN(changedSince.getTime()))
      throw new QboInputError("cdc changedSince is not a date", "changedSince");
    const body = await this.send({
      method: "GET",
      path: "cdc",
      params: { entities: entities.join(","), changedSince: changedSince.toISOString() },
    });
    const responses = (body as { CDCResponse?: unknown }).CDCResponse;
    if (!Array.isArray(responses))
      throw new QboUnexpectedResponseError({ message: "CDC response has no CDCResponse" });
    const changes: CdcChange[] = [];
    const counts = new Map<string, number>();
    for (const r of responses) {
      const qrs = (r as { QueryResponse?: unknown }).QueryResponse;
      for (const qr of Array.isArray(qrs) ? qrs : []) {
        if (qr === null || typeof qr !== "object") continue;
        for (const entity of entities) {
          const list = (qr as Record<string, unknown>)[entity];
          if (!Array.isArray(list)) continue;
          counts.set(entity, (counts.get(entity) ?? 0) + list.length);
          for (const rec of list as Record<string, unknown>[]) {
            const id = rec["Id"];
            if (typeof id !== "string") continue;
            const meta = rec["MetaData"] as { LastUpdatedTime?: string } | undefined;
            const deleted = rec["status"] === "Deleted";
            const change: CdcChange = { entity, id, deleted };
            if (!deleted) change.record = rec;
            if (meta?.LastUpdatedTime) change.lastUpdated = meta.LastUpdatedTime;
            changes.push(change);
          }
        }
      }
    }
    // QBO caps a CDC response at 1000 objects in all, not per entity: once the total reaches it, any
    // entity (even one that returned nothing) may have been cut short, so all are listed again.
    let total = 0;
    for (const n of counts.values()) total += n;
    const truncated = total >= 1000 ? [...entities] : [];
    return { changes, truncated };
  }

  // ---- transport -----------------------------------------------------------------------------

  private async write<E extends QboWritableEntity>(
    entity: E,
    payload: QboEntityMap[E],
    options: WriteOptions,
    operation: "void" | undefined,
  ): Promise<QboEntityMap[E]> {
    const params: Record<string, string> = { requestid: checkRequestId(options.requestId) };
    if (operation) params["operation"] = operation;
    const body = await this.send({ method: "POST", path: entity.toLowerCase(), params, json: payload });
    return unwrap(body, entity) as QboEntityMap[E];
  }

  /** Sends one API call with throttling, token refresh on 401 and retries; returns parsed JSON. */
  async send(req: SendRequest): Promise<unknown> {
    const retry = this.o.retry;
    const sleep = this.o.sleep ?? defaultSleep;
    let forceRefresh = false;
    let refreshed = false;
    let mayHaveRunBefore = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(req, forceRefresh);
      } catch (e) {
        const err = e instanceof QboError ? e : new QboNetworkError({ message: String(e), cause: e });
        // A write whose earlier try went unanswered may have run, whatever the last try says.
        err.earlierTryMayHaveRun = mayHaveRunBefore;
        if (mayHaveRun(err)) mayHaveRunBefore = true;
        // One 401 earns one forced refresh: the token may have expired in flight or been revoked.
        if (err instanceof QboAuthError && err.reason === "unauthorized" && !refreshed) {
          refreshed = forceRefresh = true;
          attempt--;
          continue;
        }
        forceRefresh = false;
        const decision: RetryDecision =
          retry === false
            ? { retry: false, delayMs: 0, reason: "retries off" }
            : decide(err, attempt, retry, { idempotent: req.method === "GET" });
        if (!decision.retry) {
          err.attempts = attempt;
          throw err;
        }
        this.o.onRetry?.({ path: req.path, attempt, error: err, decision });
        await sleep(decision.delayMs);
      }
    }
  }

  private async attempt(req: SendRequest, forceRefresh: boolean): Promise<unknown> {
    const token = await this.o.getAccessToken(forceRefresh ? { forceRefresh: true } : undefined);
    const url = this.url(req.path, req.params);
    const release = this.o.limiter ? await this.o.limiter.acquire(req.kind ?? "request") : undefined;
    let res: Response;
    let text: string;
    try {
      const init: RequestInit = {
        method: req.method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/json",
          ...(req.json === undefined ? {} : { "Content-Type": "application/json" }),
        },
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 120_000),
      };
      if (req.json !== undefined) init.body = JSON.stringify(req.json);
      res = await this.fetchFn(url, init);
      text = await res.text();
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
      throw new QboNetworkError({
        message: timedOut
          ? `QuickBooks did not answer ${req.method} ${req.path} in time`
          : `Could not reach QuickBooks: ${errMessage(e)}`,
        timedOut,
        ...(timedOut ? { timeoutMs: this.o.timeoutMs ?? 120_000 } : {}),
        refused: errnoCode(e) === "ECONNREFUSED",
        cause: e,
      });
    } finally {
      release?.();
    }
    if (!res.ok) throw errorFromResponse({ status: res.status, headers: res.headers, body: text });
    req.onResponse?.(res);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new QboUnexpectedResponseError({
        message: `QuickBooks answered ${req.method} ${req.path} with a body that is not JSON`,
        status: res.status,
        intuitTid: res.headers.get("intuit_tid") ?? undefined,
        detail: text.slice(0, 500),
      });
    }
    if (json !== null && typeof json === "object" && ("Fault" in json || "fault" in json)) {
      throw errorFromResponse({ status: res.status, headers: res.headers, body: text });
    }
    return json;
  }

  private url(path: string, params: Record<string, string> = {}): string {
    // encodeURIComponent, not URLSearchParams: a query's spaces travel as %20 rather than "+".
    const qs = Object.entries({ ...params, minorversion: String(this.minorVersion) })
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join("&");
    return `${this.base}${path}?${qs}`;
  }
}

/** The system error code under a failed fetch (undici puts it on `cause`), e.g. ECONNREFUSED. */
function errnoCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur instanceof Error && depth < 4; cur = cur.cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") return code;
    // An AggregateError (happy eyeballs: IPv4 and IPv6 both refused) carries them in `errors`.
    const inner = (cur as { errors?: unknown[] }).errors?.[0];
    const innerCode = inner instanceof Error ? (inner as { code?: unknown }).code : undefined;
    if (typeof innerCode === "string") return innerCode;
  }
  return undefined;
}

export const createQboClient = (options: QboClientOptions): QboClient => new QboClient(options);

/** QBO limits a requestid to 50 characters. */
export function checkRequestId(requestId: string): string {
  if (typeof requestId !== "string" || requestId.length === 0 || requestId.length > 50) {
    throw new QboInputError(
      `requestId must be 1..50 characters, got ${JSON.stringify(requestId)}`,
      "requestId",
    );
  }
  return requestId;
}

function checkId(entity: string, id: string | undefined): asserts id is string {
  if (id === undefined || !/^[0-9A-Za-z-]+$/.test(id)) {
    throw new QboInputError(`${entity}: Id ${JSON.stringify(id)} is not a QBO id`, "Id");
  }
}

function unwrap(body: unknown, key: string): unknown {
  const rec = body !== null && typeof body === "object" ? (body as Record<string, unknown>)[key] : undefined;
  if (rec === undefined || rec === null || typeof rec !== "object") {
    throw new QboUnexpectedResponseError({
      message: `QuickBooks response has no ${key}`,
      detail: JSON.stringify(body).slice(0, 500),
    });
  }
  return rec;
}

function queryResponse(body: unknown): Record<string, unknown> {
  const qr =
    body !== null && typeof body === "object"
      ? (body as Record<string, unknown>)["QueryResponse"]
      : undefined;
  if (qr === null || typeof qr !== "object") {
    throw new QboUnexpectedResponseError({
      message: "QuickBooks query response has no QueryResponse",
      detail: JSON.stringify(body).slice(0, 500),
    });
  }
  return qr as Record<string, unknown>;
}

const errMessage = (e: unknown) => {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
};
