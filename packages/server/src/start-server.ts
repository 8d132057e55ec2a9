import { serve } from "@hono/node-server";
import { openStore, type Store } from "@ledgerlink/store";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import type { ConnectionState } from "./app-deps.js";
import type { Config } from "./config.js";

export interface RunningServer {
  url: string;
  store: Store;
  close(): Promise<void>;
}

/** Opens the store and serves the API and console on the configured port. */
export async function startServer(config: Config): Promise<RunningServer> {
  const store = await openStore({ url: config.databaseUrl });
  await store.ensureCompany(config.company, config.company);
  const connectionState = async (): Promise<ConnectionState> => ({
    state:
      config.qbo.environment === "emulator" || config.qbo.realmId !== undefined
        ? "connected"
        : "disconnected",
    environment: config.qbo.environment,
    realmId: config.qbo.realmId ?? null,
  });
  const app = createApp({ config, store, connectionState });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`,
    store,
    async close() {
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await store.close();
    },
  };
}
