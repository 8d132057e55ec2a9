import type { AddressInfo } from "node:net";
import { serve, type HttpBindings, type Http2Bindings, type ServerType } from "@hono/node-server";
import type { Hono } from "hono";
import { buildApp } from "./app.js";
import { EmulatorClock } from "./clock.js";
import { createCompany, populateCompany } from "./company-setup.js";
import { DROP_HEADER } from "./handlers/v3-middleware.js";
import { TokenStore, type TokenPair } from "./oauth/token-store.js";
import type { ChangeEvent, Realm } from "./realm.js";
import { realmHandle, type RealmHandle } from "./realm-handle.js";
import { applySeed, type EmulatorSeed, type RealmSeed } from "./seed.js";
import type { EmulatorEnv, EmulatorState, LatencyRange } from "./state.js";
import { QBO_LIMITS, type Limits } from "./throttle.js";
import { adminRoutes } from "./admin/routes.js";
import { WebhookDispatcher, type WebhookConfig, type WebhookDelivery } from "./webhooks/dispatcher.js";

/**
 * The documented default OAuth app: any client can use it with any loopback redirect URI.
 * Not a secret: it only unlocks the emulator.
 */
export const DEFAULT_APP = {
  clientId: "ledgerlink-emulator-client",
  clientSecret: "ledgerlink-emulator-secret",
} as const;

/** A realm that exists with no setup. */
export const DEFAULT_REALM_ID = "9341450000000001";

export interface EmulatorOptions {
  /** 1 = real time; 60 = an emulated minute passes in a real second. Shrinks every limit and latency. */
  timeScale?: number;
  /** Emulated latency added to every API call; default none. */
  latencyMs?: LatencyRange;
  /** Companies to start with (the default realm is created too unless the seed names it). */
  seed?: EmulatorSeed;
  limits?: Partial<Limits>;
  /** The base clock (default the system clock); emulated time runs timeScale times faster. */
  now?: () => Date;
  /** Randomness for latency and probabilistic faults (default Math.random). */
  random?: () => number;
  /** Deliver signed webhook notifications of every change here (also settable through the admin API). */
  webhooks?: WebhookConfig;
}

export interface EmulatorServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface Emulator {
  readonly app: Hono<EmulatorEnv>;
  readonly fetch: (req: Request) => Promise<Response>;
  listen(options?: { port?: number; host?: string }): Promise<EmulatorServer>;
  readonly defaultRealmId: string;
  readonly defaultApp: { clientId: string; clientSecret: string };
  /** A valid bearer token for a realm (as if a user had connected). */
  issueAccessToken(realmId: string): string;
  /** A full token pair for a realm, for tests of refresh and revocation. */
  issueTokens(realmId: string): TokenPair;
  realm(realmId: string): RealmHandle;
  realmIds(): string[];
  createRealm(options?: { realmId?: string; companyName?: string }): RealmHandle;
  /** Subscribes to every change in every realm (webhooks use it). */
  onChange(listener: (event: ChangeEvent) => void): () => void;
  readonly webhooks: {
    configure(config: WebhookConfig | null): void;
    readonly deliveries: readonly WebhookDelivery[];
    /** Resolves once every notification queued so far was delivered or given up on. */
    idle(): Promise<void>;
  };
  /** Clears every realm back to a fresh company (tokens stay valid). */
  reset(): void;
  readonly state: EmulatorState;
}

/** Creates an emulator in-process. Nothing listens until `listen()`. */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const clock = new EmulatorClock(options.now ?? (() => new Date()), options.timeScale ?? 1);
  const listeners = new Set<(event: ChangeEvent) => void>();
  const emit = (event: ChangeEvent): void => {
    for (const l of listeners) l(event);
  };
  const state: EmulatorState = {
    realms: new Map(),
    tokens: new TokenStore(),
    clock,
    limits: { ...QBO_LIMITS, ...options.limits },
    latencyMs: options.latencyMs,
    random: options.random ?? Math.random,
    apps: new Map([[DEFAULT_APP.clientId, DEFAULT_APP.clientSecret]]),
    defaultRealmId: DEFAULT_REALM_ID,
  };
  let realmCounter = 1;
  const createRealm = (opts: { realmId?: string; companyName?: string } = {}): Realm => {
    let id = opts.realmId;
    while (id === undefined || (opts.realmId === undefined && state.realms.has(id)))
      id = String(BigInt(DEFAULT_REALM_ID) + BigInt(realmCounter++));
    if (state.realms.has(id)) throw new Error(`company ${id} already exists`);
    const realm = createCompany(
      id,
      clock,
      opts.companyName !== undefined ? { companyName: opts.companyName } : {},
      emit,
      state.random,
    );
    state.realms.set(id, realm);
    return realm;
  };

  const dispatcher = new WebhookDispatcher(clock, state.realms);
  if (options.webhooks) dispatcher.configure(options.webhooks);
  listeners.add((event) => dispatcher.enqueue(event));

  const seedRealm = (seed: RealmSeed): void => {
    const id = seed.realmId ?? DEFAULT_REALM_ID;
    const realm =
      state.realms.get(id) ??
      createRealm({
        realmId: id,
        ...(seed.companyName !== undefined ? { companyName: seed.companyName } : {}),
      });
    applySeed(realm, seed);
  };
  createRealm({ realmId: DEFAULT_REALM_ID, companyName: "Ledgerlink Demo Company" });
  for (const seed of options.seed?.realms ?? []) seedRealm(seed);

  const app = buildApp(state);
  const ops = {
    reset(realm: Realm) {
      realm.clear();
      populateCompany(realm);
    },
    revokeTokens: (realmId: string) => state.tokens.revokeRealm(realmId),
  };
  const getRealm = (realmId: string): Realm => {
    const realm = state.realms.get(realmId);
    if (!realm) throw new Error(`no company with realmId ${realmId}`);
    return realm;
  };

  const resetAll = (): void => {
    for (const realm of state.realms.values()) ops.reset(realm);
  };
  app.route(
    "/_emulator",
    adminRoutes({
      realmIds: () => [...state.realms.keys()],
      realm: (realmId) => realmHandle(getRealm(realmId), ops),
      companyName: (realmId) => getRealm(realmId).settings.companyName,
      createRealm: (opts) => realmHandle(createRealm(opts), ops),
      issueTokens: (realmId) => state.tokens.issue(realmId, DEFAULT_APP.clientId, getRealm(realmId).nowMs()),
      seed: seedRealm,
      resetAll,
      configureWebhooks: (config) => dispatcher.configure(config ?? undefined),
      webhookConfig: () => dispatcher.configuration,
      webhookDeliveries: () => dispatcher.deliveries,
    }),
  );

  const fetch = async (req: Request): Promise<Response> => {
    const res = await app.fetch(req);
    // In-process there is no socket to drop, so an injected drop rejects like a network failure.
    if (res.headers.has(DROP_HEADER))
      throw new TypeError("fetch failed: connection dropped (emulator fault)");
    return res;
  };

  return {
    app,
    fetch,
    state,
    defaultRealmId: DEFAULT_REALM_ID,
    defaultApp: { ...DEFAULT_APP },
    issueAccessToken: (realmId) =>
      state.tokens.issue(getRealm(realmId).id, DEFAULT_APP.clientId, getRealm(realmId).nowMs()).access_token,
    issueTokens: (realmId) =>
      state.tokens.issue(getRealm(realmId).id, DEFAULT_APP.clientId, getRealm(realmId).nowMs()),
    realm: (realmId) => realmHandle(getRealm(realmId), ops),
    realmIds: () => [...state.realms.keys()],
    createRealm: (opts) => realmHandle(createRealm(opts), ops),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    listen: (opts = {}) => listen(app, opts),
    webhooks: {
      configure: (config) => dispatcher.configure(config ?? undefined),
      get deliveries() {
        return dispatcher.deliveries;
      },
      idle: () => dispatcher.idle(),
    },
    reset: resetAll,
  };
}

function listen(app: Hono<EmulatorEnv>, opts: { port?: number; host?: string }): Promise<EmulatorServer> {
  const host = opts.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    let server: ServerType;
    const fetch = async (req: Request, env: HttpBindings | Http2Bindings): Promise<Response> => {
      const res = await app.fetch(req, env);
      if (res.headers.has(DROP_HEADER)) env.incoming.socket.destroy();
      return res;
    };
    try {
      server = serve({ fetch, port: opts.port ?? 0, hostname: host }, (info: AddressInfo) => {
        const shownHost = host.includes(":") ? `[${host}]` : host;
        resolve({
          url: `http://${shownHost}:${info.port}`,
          port: info.port,
          close: () =>
            new Promise<void>((done, fail) => {
              if ("closeAllConnections" in server) server.closeAllConnections();
              server.close((err) => (err ? fail(err) : done()));
            }),
        });
      });
      server.on("error", reject);
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

/** Starts an emulator on a port (what `ledgerlink emulator --port 4010` runs). */
export async function startEmulatorServer(
  options: EmulatorOptions & { port?: number; host?: string } = {},
): Promise<{ emulator: Emulator; server: EmulatorServer }> {
  const { port, host, ...rest } = options;
  const emulator = createEmulator(rest);
  const server = await emulator.listen({
    ...(port !== undefined ? { port } : {}),
    ...(host !== undefined ? { host } : {}),
  });
  return { emulator, server };
}
