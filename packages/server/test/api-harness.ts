import { serve } from "@hono/node-server";
import { apiErrorSchema, apiRoutes, systemClock, type SyncEvent } from "@ledgerlink/core";
import { createEmulator, type Emulator, type EmulatorSeed } from "@ledgerlink/emulator";
import { openStore, type Role, type Store, type TestDatabase } from "@ledgerlink/store";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { createApp } from "../src/app.js";
import type { RateLimitSettings } from "../src/auth/rate-limit.js";
import type { Logger } from "../src/logger.js";
import { loadConfig } from "../src/config.js";
import { ConnectionService } from "../src/connection-service.js";
import { ingestRecords } from "../src/ingest-records.js";
import { syncCompany } from "../src/sync-company.js";
import { SyncEventHub } from "../src/sync-event-hub.js";
import { SyncService } from "../src/sync-service.js";

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * The server as `startServer` composes it (app, sync service, event hub), listening on an ephemeral
 * loopback port, against the QBO emulator on another; a fresh database per harness.
 */
export interface ApiHarness {
  url: string;
  store: Store;
  emu: Emulator;
  company: string;
  events: SyncEventHub;
  syncService: SyncService;
  realm(): ReturnType<Emulator["realm"]>;
  call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiAnswer<T>>;
  /** The operator-wide admin API key `call` sends unless the headers carry their own authorization. */
  apiKey: string;
  /** A new API key (scoped to `companyId`, or operator-wide with null). */
  newKey(companyId: string | null, role?: Role): Promise<string>;
  /** `call` with these credentials: an API key, or null for none at all. */
  callAs<T = unknown>(
    apiKey: string | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiAnswer<T>>;
  /** Records in through the store, as the HTTP upsert does. */
  put(kind: Parameters<typeof ingestRecords>[1], rows: unknown[]): Promise<void>;
  /** A foreground sync (as the CLI runs it), to set a scene. */
  sync(onEvent?: (e: SyncEvent) => void): ReturnType<typeof syncCompany>;
  close(): Promise<void>;
}

export async function startApiHarness(
  database: TestDatabase,
  opts: {
    emulatorLatencyMs?: number;
    seed?: EmulatorSeed;
    /** Emulated QBO time runs this many times faster, and the client's rate limits with it (big scenes). */
    timeScale?: number;
    /** The API's rate limits (the server's defaults when absent). */
    rateLimit?: RateLimitSettings | false;
    /** Where the server logs (the process logger when absent); tests read it back. */
    logger?: Logger;
  } = {},
): Promise<ApiHarness> {
  const emu = createEmulator({
    ...(opts.emulatorLatencyMs
      ? { latencyMs: { min: opts.emulatorLatencyMs, max: opts.emulatorLatencyMs } }
      : {}),
    // A QBO company to start from (the demo company's, or a scene's).
    ...(opts.seed ? { seed: opts.seed } : {}),
    ...(opts.timeScale ? { timeScale: opts.timeScale } : {}),
  });
  const emulator = await emu.listen({ port: 0, host: "127.0.0.1" });
  const store = await openStore(database.fresh());
  const company = "acme";
  await store.ensureCompany(company, "Acme Plumbing");
  await store.ensureCompany("other", "Other Co");
  const config = loadConfig({
    LEDGERLINK_COMPANY: company,
    QBO_BASE_URL: emulator.url,
    LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 7).toString("base64"),
  });
  const connections = new ConnectionService({
    store,
    config,
    clock: systemClock,
    ...(opts.timeScale ? { timeScale: opts.timeScale } : {}),
  });
  const events = new SyncEventHub();
  const syncService = new SyncService({
    store,
    connections,
    clock: systemClock,
    environment: "emulator",
    hub: events,
  });
  const app = createApp({
    config,
    store,
    connections,
    clock: systemClock,
    syncService,
    events,
    ...(opts.rateLimit === undefined ? {} : { rateLimit: opts.rateLimit }),
    ...(opts.logger === undefined ? {} : { logger: opts.logger }),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const newKey = async (companyId: string | null, role: Role = "admin") =>
    (
      await store.auth.createApiKey({
        name: `test ${companyId ?? "operator"} ${role}`,
        role,
        companyId,
        createdBy: "api-harness",
        at: new Date().toISOString(),
      })
    ).key;
  const apiKey = await newKey(null);
  async function callAs<T>(
    key: string | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON (HTML docs)
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  return {
    url,
    store,
    emu,
    company,
    events,
    syncService,
    realm: () => emu.realm(emu.defaultRealmId),
    apiKey,
    newKey,
    callAs,
    // Authenticated as an operator-wide admin unless the headers carry their own `authorization`.
    call: <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      callAs<T>(
        Object.keys(headers).some((h) => h.toLowerCase() === "authorization") ? null : apiKey,
        method,
        path,
        body,
        headers,
      ),
    async put(kind, rows) {
      const r = await ingestRecords(store.company(company), kind, rows, new Date().toISOString());
      expect(r.rejected).toEqual([]);
    },
    sync: (onEvent) =>
      syncCompany({
        store,
        connections,
        companyId: company,
        clock: systemClock,
        environment: "emulator",
        ...(onEvent ? { onEvent } : {}),
      }),
    async close() {
      await syncService.close();
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await emulator.close();
      await store.close();
    },
  };
}

/**
 * Checks an answer against the contract: a success status and body that the operation's schema accepts,
 * or a failure status the operation declares with the error envelope. Returns the body.
 */
export function expectContract<T = unknown>(operationId: string, answer: ApiAnswer, status: number): T {
  const route = apiRoutes.find((r) => r.operationId === operationId);
  if (!route) throw new Error(`no route ${operationId}`);
  expect({ status: answer.status, body: answer.body }).toMatchObject({ status });
  if (status === route.success.status) {
    const parsed = route.success.schema.safeParse(answer.body);
    if (!parsed.success) throw new Error(`${operationId} answered off-contract: ${parsed.error.message}`);
    return parsed.data as T;
  }
  expect(route.errors).toContain(status);
  const parsed = apiErrorSchema.safeParse(answer.body);
  if (!parsed.success) throw new Error(`${operationId} error envelope off-contract: ${parsed.error.message}`);
  return answer.body as T;
}

/** A 400 that names `field`. */
export function expectBadField(operationId: string, answer: ApiAnswer, field: string): void {
  const body = expectContract<{ error: { code: string; message: string; details?: { field?: string } } }>(
    operationId,
    answer,
    400,
  );
  expect(body.error.details?.field).toBe(field);
  expect(body.error.message).toContain(field);
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}
