import type { Clock } from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import type { Config } from "./config.js";
import type { ConnectionService } from "./connection-service.js";
import type { Logger } from "./logger.js";
import type { RateLimitSettings } from "./auth/rate-limit.js";
import type { OperationsDeps } from "./metrics/operations-routes.js";
import type { SyncEventHub } from "./sync-event-hub.js";
import type { SyncService } from "./sync-service.js";

/** What the HTTP handlers need, injected by the composition root (or a test). */
export interface AppDeps {
  config: Pick<Config, "company" | "qbo" | "publicUrl"> & Partial<Pick<Config, "reports">>;
  store: Store;
  connections: ConnectionService;
  clock: Clock;
  /** Starts and cancels background syncs (Sync Now); made from the parts above when absent. */
  syncService?: SyncService;
  /** Live sync events per company, for the SSE stream; the sync service publishes here. */
  events?: SyncEventHub;
  /** Where the server logs (secrets redacted); the process logger when absent. */
  logger?: Logger;
  /** Requests per API key or user, and guesses per address; the defaults when absent, none when false. */
  rateLimit?: RateLimitSettings | false;
  /** /metrics and /api/ready: the process's metrics and job queue (own metrics, no queue when absent). */
  operations?: OperationsDeps;
}

export interface ConnectionState {
  state: "connected" | "needs-reconnect" | "disconnected" | "disabled";
  environment: string;
  realmId: string | null;
  /** Why it is not connected, in words office staff can act on. */
  reason?: string;
}
