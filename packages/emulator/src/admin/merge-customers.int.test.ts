import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, demoCompanySeed, verifyWebhookSignature, type Emulator } from "@ledgerlink/emulator";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, asserted field by field
type Json = any;

const verifierToken = "merge-verifier";
const received: string[] = [];
let receiver: Server;
let url: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      if (verifyWebhookSignature(body, String(req.headers["intuit-signature"]), verifierToken))
        received.push(body);
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

function client(emu: Emulator) {
  const realmId = emu.defaultRealmId;
  const token = emu.issueAccessToken(realmId);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await emu.fetch(
      new Request(`http://emulator${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    return { status: res.status, body: (await res.json()) as Json };
  };
  return {
    realmId,
    admin: (method: string, path: string, body?: unknown) =>
      call(method, `/_emulator/realms/${realmId}${path}`, body),
    api: (method: string, path: string, body?: unknown) =>
      call(method, `/v3/company/${realmId}/${path}`, body),
  };
}

describe("a customer merge made in QBO's web UI (admin API)", () => {
  it("moves the transactions and balance to the survivor, inactivates the merged customer, and reports it by CDC and a Merge webhook", async () => {
    const emu = createEmulator({ seed: demoCompanySeed, webhooks: { url, verifierToken, format: "both" } });
    const { admin, api } = client(emu);
    const before = (await api("GET", "invoice/501")).body.Invoice;
    const since = emu.realm(emu.defaultRealmId).now().toISOString();
    emu.realm(emu.defaultRealmId).advanceClock(2_000);

    // Acme Plumbing Inc (201: invoice 501, 125.00 with 50.00 paid by payment 600) merged into Big Duplicating Co. (200).
    const merged = await admin("POST", "/customers/merge", { fromId: "201", intoId: "200" });
    expect(merged.status).toBe(200);
    expect(merged.body.moved).toEqual([
      { entity: "Invoice", id: "501" },
      { entity: "Payment", id: "600" },
    ]);
    expect(merged.body.merged).toMatchObject({
      Id: "201",
      Active: false,
      DisplayName: "Acme Plumbing Inc (deleted)",
    });

    const invoice = (await api("GET", "invoice/501")).body.Invoice;
    expect(invoice.CustomerRef).toEqual({ value: "200", name: "Big Duplicating Co." });
    expect(Number(invoice.SyncToken)).toBe(Number(before.SyncToken) + 1);
    expect(invoice.Balance).toBe(75);
    expect((await api("GET", "payment/600")).body.Payment.CustomerRef.value).toBe("200");
    const survivor = (await api("GET", "customer/200")).body.Customer;
    const gone = (await api("GET", "customer/201")).body.Customer;
    expect(survivor.Balance).toBe(190 + 75);
    expect(gone).toMatchObject({ Active: false, Balance: 0, DisplayName: "Acme Plumbing Inc (deleted)" });

    // The moved payment stays consistent: it can be edited, and the survivor can be paid against 501.
    const payment = (await api("GET", "payment/600")).body.Payment;
    expect(
      (await api("POST", "payment", { ...payment, PrivateNote: "after the merge", sparse: true })).status,
    ).toBe(200);
    const paid = await api("POST", "payment", {
      CustomerRef: { value: "200" },
      TotalAmt: 25,
      Line: [{ Amount: 25, LinkedTxn: [{ TxnId: "501", TxnType: "Invoice" }] }],
    });
    expect(paid.status).toBe(200);

    const cdc = await api(
      "GET",
      `cdc?entities=Customer,Invoice,Payment&changedSince=${encodeURIComponent(since)}`,
    );
    const changed = (cdc.body.CDCResponse[0].QueryResponse as Json[]).flatMap((qr) =>
      Object.entries(qr)
        .filter(([k]) => ["Customer", "Invoice", "Payment"].includes(k))
        .flatMap(([k, list]) => (list as Json[]).map((r) => `${k}:${r.Id}`)),
    );
    expect(changed).toEqual(
      expect.arrayContaining(["Customer:200", "Customer:201", "Invoice:501", "Payment:600"]),
    );

    await emu.webhooks.idle();
    const legacy = received.filter((b) => b.startsWith("{")).map((b) => JSON.parse(b) as Json);
    const cloud = received.filter((b) => b.startsWith("[")).flatMap((b) => JSON.parse(b) as Json[]);
    const entities = legacy.flatMap((n) => n.eventNotifications[0].dataChangeEvent.entities as Json[]);
    expect(entities).toContainEqual(
      expect.objectContaining({ name: "Customer", id: "200", operation: "Merge", deletedId: "201" }),
    );
    expect(entities).toContainEqual(
      expect.objectContaining({ name: "Invoice", id: "501", operation: "Update" }),
    );
    expect(cloud).toContainEqual(
      expect.objectContaining({
        type: "qbo.customer.merged.v1",
        intuitentityid: "200",
        data: { deletedid: "201" },
      }),
    );
  });

  it("refuses what the web UI would not merge, naming the field", async () => {
    const emu = createEmulator({ seed: demoCompanySeed });
    const { admin } = client(emu);
    const refused = async (body: unknown) => {
      const res = await admin("POST", "/customers/merge", body);
      expect(res.status).toBe(400);
      return res.body.error.message as string;
    };
    expect(await refused({ fromId: "200", intoId: "200" })).toMatch(/cannot merge into itself/);
    expect(await refused({ fromId: "999", intoId: "200" })).toMatch(/^fromId: no Customer with Id 999/);
    expect(await refused({ fromId: "200" })).toMatch(/^intoId/);
    expect(await refused({ fromId: "204", intoId: "200" })).toMatch(/fromId: Customer 204 is inactive/);
    expect(await refused({ fromId: "200", intoId: "204" })).toMatch(/intoId: Customer 204 is inactive/);
    expect(await refused({ fromId: "205", intoId: "200" })).toMatch(/has sub-customers \(206\)/);
    // Nothing was changed by the refusals.
    expect(emu.realm(emu.defaultRealmId).get("Customer", "205")).toMatchObject({
      Active: true,
      SyncToken: "0",
    });

    // The JS handle does the same as the admin endpoint.
    const result = emu.realm(emu.defaultRealmId).mergeCustomers("203", "202");
    expect(result).toMatchObject({
      moved: [],
      merged: { Id: "203", Active: false },
      survivor: { Id: "202" },
    });
  });
});
