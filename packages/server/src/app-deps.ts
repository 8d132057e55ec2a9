import type { Clock } from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import type { Config } from "./config.js";
import type { ConnectionService } from "./connection-service.js";

/** What the HTTP handlers need, injected by the composition root (or a test). */
export interface AppDeps {
  config: Pick<Config, "company" | "qbo" | "publicUrl"> & Partial<Pick<Config, "reports">>;
  store: Store;
  connections: ConnectionService;
  clock: Clock;
}

export interface ConnectionState {
  state: "connected" | "needs-reconnect" | "disconnected" | "disabled";
  environment: string;
  realmId: string | null;
  /** Why it is not connected, in words office staff can act on. */
  reason?: string;
}
