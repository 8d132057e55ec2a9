import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookReceiver, type WebhookEvent } from "./webhook.js";

const verifierToken = "emulator-verifier-token";
const enqueued: WebhookEvent[][] = [];
let server: ServerType;
let url: string;

beforeAll(async () => {
  const receiver = createWebhookReceiver({
    verifierToken,
    enqueue: async (events) => void enqueued.push(events),
  });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: receiver, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      url = `http://127.0.0.1:${info.port}/webhooks/qbo`;
      resolve();
    });
  });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const body = JSON.stringify({
  eventNotifications: [
    {
      realmId: "42",
      dataChangeEvent: {
        entities: [{ name: "Customer", id: "5", operation: "Update", lastUpdated: "2025-01-01T00:00:00Z" }],
      },
    },
  ],
});
const sign = (b: string, key = verifierToken) => createHmac("sha256", key).update(b).digest("base64");

describe("webhook receiver over HTTP", () => {
  it("answers 401 to a bad signature and enqueues nothing", async () => {
    const res = await fetch(url, {
      method: "POST",
      body,
      headers: { "intuit-signature": sign(body, "not-the-token"), "content-type": "application/json" },
    });
    expect(res.status).toBe(401);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: "bad-signature" } });
    const unsigned = await fetch(url, { method: "POST", body });
    expect(unsigned.status).toBe(401);
    expect(enqueued).toHaveLength(0);
  });

  it("answers 200 to a good signature and enqueues the changed ids, once per record", async () => {
    const res = await fetch(url, { method: "POST", body, headers: { "intuit-signature": sign(body) } });
    expect(res.status).toBe(200);
    expect(enqueued).toEqual([
      [
        {
          realmId: "42",
          entity: "Customer",
          id: "5",
          operation: "Update",
          lastUpdated: "2025-01-01T00:00:00Z",
        },
      ],
    ]);
  });

  it("answers 400 to a signed body of no known format", async () => {
    const junk = '{"x":1}';
    const res = await fetch(url, { method: "POST", body: junk, headers: { "intuit-signature": sign(junk) } });
    expect(res.status).toBe(400);
  });
});
