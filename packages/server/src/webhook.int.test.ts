import { systemClock } from "@ledgerlink/core";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { ConnectionService } from "./connection-service.js";

const verifier = "b5771f19b12ddb4bcdb9f08bdc50bc63";
const sign = (body: string, key = verifier) => createHmac("sha256", key).update(body).digest("base64");

describe.each(testDatabases())("QBO webhooks in ($dialect)", (database) => {
  let store: Store;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    store = await openStore(database.fresh());
    await store.ensureCompany("acme", "Acme");
    await store.connections.save("acme", { sealedGrant: "sealed", needsReconnect: null });
    await store.connections.setRealm("acme", "9130", "t");
    const config = loadConfig({
      QBO_WEBHOOK_VERIFIER_TOKEN: verifier,
      LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 1).toString("base64"),
    });
    app = createApp({
      config,
      store,
      clock: systemClock,
      connections: new ConnectionService({ store, config, clock: systemClock }),
    });
  });
  afterAll(() => store.close());

  const deliver = (body: string, signature: string | undefined) =>
    app.request("/api/v1/webhooks/qbo", {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        ...(signature === undefined ? {} : { "intuit-signature": signature }),
      },
    });
  const legacy = (id: string, operation: string, lastUpdated: string, realmId = "9130") =>
    JSON.stringify({
      eventNotifications: [
        { realmId, dataChangeEvent: { entities: [{ name: "Customer", id, operation, lastUpdated }] } },
      ],
    });

  it("refuses a bad or missing signature and records nothing", async () => {
    const body = legacy("58", "Update", "2026-11-21T10:00:00Z");
    expect((await deliver(body, sign(body, "not-the-verifier-token"))).status).toBe(401);
    expect((await deliver(body, undefined)).status).toBe(401);
    expect(await store.company("acme").pendingQboChanges()).toEqual([]);
  });

  it("notes the changed ids; replayed and out-of-order deliveries change nothing", async () => {
    const newer = legacy("58", "Merge", "2026-11-21T11:00:00Z");
    const older = legacy("58", "Update", "2026-11-21T10:00:00Z");
    expect((await deliver(newer, sign(newer))).status).toBe(200);
    expect((await deliver(older, sign(older))).status).toBe(200);
    expect((await deliver(newer, sign(newer))).status).toBe(200);
    const other = legacy("7", "Create", "2026-11-21T09:00:00Z", "5555");
    expect((await deliver(other, sign(other))).status).toBe(200); // a realm of no company: acknowledged, ignored
    expect(await store.company("acme").pendingQboChanges()).toEqual([
      { entity: "Customer", qboId: "58", operation: "Merge", lastUpdated: "2026-11-21T11:00:00Z" },
    ]);
  });
});
