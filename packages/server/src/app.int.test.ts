import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "@ledgerlink/core";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { ConnectionService } from "./connection-service.js";
import { authorized } from "../test/authorized-app.js";

/** The app as the server composes it, with QBO pointed at an address nothing answers on. */
function appFor(store: Store, company: string) {
  const config = {
    ...loadConfig({
      LEDGERLINK_COMPANY: company,
      QBO_BASE_URL: "http://127.0.0.1:9",
      LEDGERLINK_TOKEN_KEY: "a".repeat(43) + "=",
    }),
  };
  const connections = new ConnectionService({ store, config, clock: systemClock });
  return authorized(createApp({ config, store, connections, clock: systemClock }), store);
}

describe.each(testDatabases())("HTTP API on $dialect", (database) => {
  let store: Store;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    store = await openStore(database.fresh());
    await store.ensureCompany("acme", "Acme Plumbing");
    await store.company("acme").upsertCustomers([{ id: "1", displayName: "Big Co", active: true }], "t");
    app = appFor(store, "acme");
  });
  afterAll(() => store.close());

  it("answers health", async () => {
    const res = await app.request("/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("reports connection, counts and the last run", async () => {
    const res = await app.request("/api/status");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      company: "acme",
      connection: {
        state: "disconnected",
        environment: "emulator",
        realmId: null,
        reason: "Not connected to QuickBooks yet",
      },
      counts: { customers: 1, linkedCustomers: 0, openErrors: 0 },
      lastRun: null,
      // No run has failed to reach QuickBooks (qbo-unreachable.int.test.ts has the notice itself).
      notice: null,
    });
  });

  it("serves the console at / with its security headers (dashboard-files.int.test.ts has the rest)", async () => {
    const res = await app.request("/");
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers unknown routes with the error envelope", async () => {
    const res = await app.request("/api/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "No route for GET /api/nope" } });
  });
});

describe.each(testDatabases())("POST /api/v1/companies/:id/customers on $dialect", (database) => {
  let store: Store;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    store = await openStore(database.fresh());
    await store.ensureCompany("acme", "Acme Plumbing");
    app = appFor(store, "acme");
  });
  afterAll(() => store.close());
  const post = (body: string, company = "acme") =>
    app.request(`/api/v1/companies/${company}/customers`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
    });

  it("stores the good records and names the record and field of each bad one", async () => {
    const res = await post(
      JSON.stringify([
        { id: "1", displayName: "Big Co", active: true },
        { id: "2", displayName: 42, active: true },
        { id: "3", parentId: "1", displayName: "Site", active: true },
      ]),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      accepted: { id: string; index: number }[];
      rejected: { ref: string; field: string; message: string }[];
    };
    expect(body.accepted.map((a) => [a.index, a.id])).toEqual([
      [0, "1"],
      [2, "3"],
    ]);
    expect(body.rejected).toEqual([expect.objectContaining({ ref: "C:2", field: "displayName" })]);
    expect(body.rejected[0]!.message).toContain("C:2");
    expect((await store.company("acme").listCustomers()).map((c) => c.id)).toEqual(["1", "3"]);
  });

  it("takes every record kind on its collection, with per-record errors, and deletes", async () => {
    const items = await app.request("/api/v1/companies/acme/items", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        items: [
          { id: "I1", name: "Drain cleaning", type: "Service", unitPrice: "95.00" },
          { id: "I2", name: "Widget", type: "Gizmo" },
        ],
      }),
    });
    expect(items.status).toBe(200);
    const body = (await items.json()) as { accepted: unknown[]; rejected: { ref: string; field: string }[] };
    expect(body.accepted).toHaveLength(1);
    expect(body.rejected).toEqual([expect.objectContaining({ ref: "ITEM:I2", field: "type" })]);
    const del = await app.request("/api/v1/companies/acme/items/delete", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: ["I1"] }),
    });
    expect(await del.json()).toEqual({ results: [{ id: "I1", deleted: true }] });
    expect(await store.company("acme").listRecords("item")).toEqual([]);
    const unknown = await app.request("/api/v1/companies/acme/widgets", { method: "POST", body: "[]" });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("unknown_collection");
  });

  it("answers 400 for a body that is not JSON or not a list, 404 for an unknown company", async () => {
    const notJson = await post("{nope");
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({
      error: { code: "invalid_json", message: "The request body is not valid JSON" },
    });
    const notList = await post(JSON.stringify({ foo: 1 }));
    expect(notList.status).toBe(400);
    expect(((await notList.json()) as { error: { details: unknown } }).error.details).toEqual({
      field: "customers",
    });
    const unknown = await post("[]", "nobody");
    expect(unknown.status).toBe(404);
  });
});

describe("request limits", () => {
  it("refuses a 50 MB body with 413 and stays up", async () => {
    const database = testDatabases()[0]!;
    const store = await openStore(database.fresh());
    try {
      await store.ensureCompany("acme", "Acme");
      const app = appFor(store, "acme");
      const huge = "[" + `{"id":"x","displayName":"${"a".repeat(1000)}"},`.repeat(50_000) + "{}]";
      const res = await app.request("/api/v1/companies/acme/customers", {
        method: "POST",
        body: huge,
        headers: { "content-type": "application/json", "content-length": String(huge.length) },
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
      expect(await store.company("acme").listCustomers()).toEqual([]);
      expect((await app.request("/api/health")).status).toBe(200);
    } finally {
      await store.close();
    }
  });
});
