import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, verifyWebhookSignature } from "@ledgerlink/emulator";

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

// A real receiver on loopback that fails its first request, so the emulator must retry.
const received: Received[] = [];
let failNext = 1;
let receiver: Server;
let url: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.statusCode = failNext-- > 0 ? 500 : 200;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

describe("webhook delivery", () => {
  it("delivers signed legacy and CloudEvents notifications of every change, retrying failures", async () => {
    const verifierToken = "emulator-verifier-token";
    const emu = createEmulator({ webhooks: { url, verifierToken, format: "both", retryBaseMs: 5 } });
    const token = emu.issueAccessToken(emu.defaultRealmId);
    const res = await emu.fetch(
      new Request(`http://emulator/v3/company/${emu.defaultRealmId}/customer`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ DisplayName: "Hooked Inc" }),
      }),
    );
    const id = ((await res.json()) as { Customer: { Id: string } }).Customer.Id;
    await emu.webhooks.idle();

    for (const r of received)
      expect(verifyWebhookSignature(r.body, String(r.headers["intuit-signature"]), verifierToken)).toBe(true);
    const legacy = received.filter((r) => r.body.startsWith("{"));
    const cloud = received.filter((r) => r.body.startsWith("["));
    expect(JSON.parse(legacy.at(-1)!.body)).toMatchObject({
      eventNotifications: [
        {
          realmId: emu.defaultRealmId,
          dataChangeEvent: { entities: [{ name: "Customer", id, operation: "Create" }] },
        },
      ],
    });
    expect(JSON.parse(cloud.at(-1)!.body)).toMatchObject([
      {
        specversion: "1.0",
        type: "qbo.customer.created.v1",
        intuitentityid: id,
        intuitaccountid: emu.defaultRealmId,
      },
    ]);
    // The first attempt got a 500 and was retried.
    expect(received).toHaveLength(3);
    expect(emu.webhooks.deliveries.map((d) => d.status).sort()).toEqual([200, 200, 500]);
  });
});
