import { createEmulator, type Emulator } from "@ledgerlink/emulator";
import { createQboClient, type QboClient } from "@ledgerlink/qbo";
import { openStore, type Store, type TestDatabase } from "@ledgerlink/store";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";

/**
 * The setting of the sync engine's integration tests, registered as hooks of the calling describe block:
 * one emulator over HTTP for the block, and for each test the emulator's company reset and a fresh
 * store with the company "acme" in it. `store` is a new one each test, so read it inside tests.
 */
export function emulatorSyncWorld(
  database: TestDatabase,
  o: { companyName?: string; customTxnNumbers?: boolean } = {},
) {
  const emu: Emulator = createEmulator();
  const realm = () => emu.realm(emu.defaultRealmId);
  let server: Awaited<ReturnType<Emulator["listen"]>> | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    server = await emu.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(() => server?.close());
  beforeEach(async () => {
    realm().reset();
    if (o.customTxnNumbers) realm().setPreferences({ SalesFormsPrefs: { CustomTxnNumbers: true } });
    store = await openStore(database.fresh());
    await store.ensureCompany("acme", o.companyName ?? "Acme");
  });
  afterEach(() => store?.close());
  return {
    emu,
    company: "acme",
    realm,
    get store(): Store {
      if (!store) throw new Error("emulatorSyncWorld: the store exists inside a test only");
      return store;
    },
    get url(): string {
      if (!server) throw new Error("emulatorSyncWorld: the emulator listens inside a test only");
      return server.url;
    },
    /** A client of the emulator's company; `fetch` stands in for the real one (to drop, fail or watch calls). */
    client(fetchImpl?: typeof fetch): QboClient {
      return createQboClient({
        baseUrl: this.url,
        realmId: emu.defaultRealmId,
        getAccessToken: () => Promise.resolve(emu.issueAccessToken(emu.defaultRealmId)),
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
    },
  };
}
