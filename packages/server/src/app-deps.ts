import type { Store } from "@ledgerlink/store";
import type { Config } from "./config.js";

/** What the HTTP handlers need, injected by the composition root (or a test). */
export interface AppDeps {
  config: Pick<Config, "company" | "qbo">;
  store: Store;
  /** Reports whether the QBO connection can be used right now. */
  connectionState: () => Promise<ConnectionState>;
}

export interface ConnectionState {
  state: "connected" | "needs-reconnect" | "disconnected";
  environment: string;
  realmId: string | null;
  reason?: string;
}
