import { systemClock } from "@ledgerlink/core";
import { createEmulator, type EmulatorServer } from "@ledgerlink/emulator";
import { CompanyRateLimiters } from "@ledgerlink/qbo";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "./api-error.js";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { ConnectionService } from "./connection-service.js";

const verifier = "0d5e9a3c1b7f4e2a8c6d0b9f3e1a7c5d";
const sign = (body: string) => createHmac("sha256", verifier).update(body).digest("base64");

/**
 * A realm serves one company, unless the operator names it in QBO_SHARED_REALMS: then a second company
 * may connect to it, Intuit's webhooks for it reach every company connected, and the companies draw
 * on one QBO rate budget (QBO's limits are per realm).
 */
describe.each(testDatabases())("a QuickBooks company shared by two companies ($dialect)", (database) => {
  const emulator = createEmulator();
  let qbo: EmulatorServer;
  let store: Store;
  const budgets: string[] = [];
  const limiters = new CompanyRateLimiters();

  beforeAll(async () => {
    qbo = await emulator.listen({ host: "127.0.0.1", port: 0 });
    store = await openStore(database.fresh());
    for (const id of ["acme", "acme-east"]) await store.ensureCompany(id, id);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await qbo?.close();
  });

  const service = (shared: string) => {
    const config = loadConfig({
      QBO_BASE_URL: qbo.url,
      LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 3).toString("base64"),
      QBO_WEBHOOK_VERIFIER_TOKEN: verifier,
      QBO_SHARED_REALMS: shared,
    });
    const connections = new ConnectionService({
      store,
      config,
      clock: systemClock,
      limiterFor: (budget) => {
        budgets.push(budget);
        return limiters.for(budget);
      },
    });
    return { config, connections };
  };

  it("refuses a second company by default, naming the holder and the setting that allows it", async () => {
    const { connections } = service("");
    expect(await connections.connectToEmulatorAutomatically("acme")).toEqual({
      companyId: "acme",
      realmId: emulator.defaultRealmId,
    });
    const refused = await connections.connectToEmulatorAutomatically("acme-east").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(409);
    expect((refused as ApiError).code).toBe("realm_already_connected");
    expect((refused as ApiError).message).toContain('already connected to "acme"');
    expect((refused as ApiError).message).toContain(`add ${emulator.defaultRealmId} to QBO_SHARED_REALMS`);
    expect((await store.connections.get("acme-east"))?.realmId ?? null).toBeNull();
    expect(await store.connections.companiesForRealm(emulator.defaultRealmId)).toEqual(["acme"]);
    // An unshared realm's calls draw on the company's own budget.
    await connections.clientFor("acme");
    expect(budgets.at(-1)).toBe("acme");
  });

  it("lets a listed realm serve both: webhooks reach both, and both share the realm's rate budget", async () => {
    const realm = emulator.defaultRealmId;
    const { config, connections } = service(`${realm}`);
    await connections.connectToEmulatorAutomatically("acme-east");
    expect(await store.connections.companiesForRealm(realm)).toEqual(["acme", "acme-east"]);

    await connections.clientFor("acme");
    await connections.clientFor("acme-east");
    expect(budgets.slice(-2)).toEqual([`realm:${realm}`, `realm:${realm}`]);

    const app = createApp({ config, store, clock: systemClock, connections });
    const body = JSON.stringify({
      eventNotifications: [
        {
          realmId: realm,
          dataChangeEvent: {
            entities: [
              { name: "Customer", id: "58", operation: "Update", lastUpdated: "2026-11-21T10:00:00Z" },
            ],
          },
        },
      ],
    });
    const res = await app.request("/api/v1/webhooks/qbo", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "intuit-signature": sign(body) },
    });
    expect(res.status).toBe(200);
    for (const id of ["acme", "acme-east"])
      expect(await store.company(id).pendingQboChanges()).toEqual([
        { entity: "Customer", qboId: "58", operation: "Update", lastUpdated: "2026-11-21T10:00:00Z" },
      ]);
  });
});

describe("QBO_SHARED_REALMS", () => {
  it("takes realm ids and names a value that is not one", () => {
    expect(loadConfig({ QBO_SHARED_REALMS: " 9130, 4620816365 " }).qbo.sharedRealms).toEqual([
      "9130",
      "4620816365",
    ]);
    expect(loadConfig({}).qbo.sharedRealms).toEqual([]);
    expect(() => loadConfig({ QBO_SHARED_REALMS: "9130,acme" })).toThrow(/QBO_SHARED_REALMS.*"acme"/s);
  });
});
