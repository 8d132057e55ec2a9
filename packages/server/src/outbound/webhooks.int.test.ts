import { outboundEventSchema, outboundEventTypes, systemClock, type OutboundEvent } from "@ledgerlink/core";
import { testDatabases } from "@ledgerlink/store";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { expectContract, startApiHarness, type ApiHarness } from "../../test/api-harness.js";
import { loadConfig } from "../config.js";
import { ConnectionService } from "../connection-service.js";
import { deliverDueEvents } from "./deliver-due-events.js";
import { verifyWebhook, WebhookSignatureError } from "./webhook-signature.js";
import { webhookSecretSealer } from "./webhook-secrets.js";

type Mode = "up" | "503" | "accept-then-503" | "gone";

/**
 * The business app's side: a real HTTP server on loopback that verifies each delivery's signature and
 * timestamp (against the deliverer's clock), keeps every arrival, and de-duplicates by event id.
 */
class Receiver {
  mode: Mode = "up";
  secret = "";
  arrivals: OutboundEvent[] = [];
  accepted = new Map<string, OutboundEvent>();
  /** First acceptance order, per subject. */
  order = new Map<string, string[]>();
  refusedSignatures = 0;
  goneAnswers = 0;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly nowSeconds: () => number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/ledgerlink`;
  }

  async listen(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Down: connections are refused. */
  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    s?.closeAllConnections();
    await new Promise<void>((resolve) => s?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    try {
      verifyWebhook({
        secret: this.secret,
        rawBody,
        signature: req.headers["ledgerlink-signature"] as string | undefined,
        timestamp: req.headers["ledgerlink-timestamp"] as string | undefined,
        nowSeconds: this.nowSeconds(),
      });
    } catch (err) {
      if (!(err instanceof WebhookSignatureError)) throw err;
      this.refusedSignatures++;
      res.writeHead(401).end(err.message);
      return;
    }
    const event = outboundEventSchema.parse(JSON.parse(rawBody)) as OutboundEvent;
    expect(req.headers["ledgerlink-event-id"]).toBe(event.id);
    if (this.mode === "503") {
      res.writeHead(503, { "content-type": "text/plain" }).end("maintenance");
      return;
    }
    if (this.mode === "gone") {
      this.goneAnswers++;
      res.writeHead(410, { "content-type": "text/plain" }).end("this hook was removed");
      return;
    }
    this.arrivals.push(event);
    if (!this.accepted.has(event.id)) {
      this.accepted.set(event.id, event);
      this.order.set(event.subject, [...(this.order.get(event.subject) ?? []), event.id]);
    }
    // Processed, but the answer is lost (a crash after the commit): the sender must try again.
    if (this.mode === "accept-then-503") {
      this.mode = "up";
      res.writeHead(503).end("crashed after processing");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  }
}

describe.each(testDatabases())("outbound webhooks to a receiver on loopback ($dialect)", (database) => {
  let h: ApiHarness | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    await h?.close();
  });

  it("delivers every event type once, signed, in order per record, across a receiver outage", async () => {
    h = await startApiHarness(database);
    const harness = h;
    const base = `/api/v1/companies/${h.company}`;
    // The deliverer's clock: real time plus a skew the test moves forward instead of sleeping.
    let skewMs = 0;
    const now = () => new Date(Date.now() + skewMs);
    receiver = new Receiver(() => Math.floor(now().getTime() / 1000));
    await receiver.listen();
    const rx = receiver;

    const created = expectContract<{ id: string; secret: string; secretHint: string }>(
      "createWebhookEndpoint",
      await h.call("POST", `${base}/webhook-endpoints`, { url: rx.url, description: "the business app" }),
      201,
    );
    rx.secret = created.secret;
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.secret.endsWith(created.secretHint)).toBe(true);
    // The secret is shown once: never in a list or a read, and sealed at rest.
    const listed = await h.call<{ items: Record<string, unknown>[] }>("GET", `${base}/webhook-endpoints`);
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);
    const stored = await h.store.company(h.company).outbound.signingEndpoint(created.id);
    expect(stored.sealedSecret).not.toContain(created.secret.slice(6));

    // The deliverer opens secrets with the server's key (the harness's token key).
    const connections = new ConnectionService({
      store: h.store,
      config: loadConfig({
        LEDGERLINK_COMPANY: h.company,
        QBO_BASE_URL: "http://127.0.0.1:1",
        LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 7).toString("base64"),
      }),
      clock: systemClock,
    });
    const sealer = webhookSecretSealer(connections);
    const drain = async () => {
      const total = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
      for (;;) {
        const r = await deliverDueEvents({
          store: harness.store,
          openSecret: sealer.open,
          now,
          random: () => 0.5,
        });
        for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r[k];
        if (r.attempted === 0) return total;
      }
    };

    // 1. The receiver is up: the first sync's events arrive.
    await h.put("customer", [
      { id: "m", displayName: "Maple Clinic", email: "ap@maple.example", active: true },
      { id: "n", displayName: "Northside Gym", email: "hi@northside.example", active: true },
      { id: "t1", displayName: "Twin Bakery", active: true },
      { id: "t2", displayName: "Twin Bakery", active: true },
      { id: "s", displayName: "Sparrow Florist", email: "sparrow@florist.example", active: true },
      { id: "s2", displayName: "Sparrow Florists", email: "sparrow@florist.example", active: true },
    ]);
    await h.put("item", [{ id: "svc", name: "Service call", type: "NonInventory" }]);
    await h.put("invoice", [
      {
        id: "in1",
        customerId: "n",
        txnDate: "2026-11-03",
        lines: [{ itemId: "svc", qty: "1", unitPrice: "120" }],
      },
      // Maple's invoice moves with it when QBO merges it (how the pull tells a merge from CDC).
      {
        id: "in2",
        customerId: "m",
        txnDate: "2026-11-04",
        lines: [{ itemId: "svc", qty: "2", unitPrice: "120" }],
      },
    ]);
    await h.sync();
    expect((await drain()).delivered).toBeGreaterThan(0);

    // 2. The receiver answers 503 (maintenance). Meanwhile QBO merges Maple into a hand-typed twin and
    // records Northside's payment; the next sync follows the merge and marks the invoice paid.
    rx.mode = "503";
    const links = await h.store.company(h.company).sync.listLinks();
    const mapleQbo = links.get("C:m" as never)!.qboId;
    const typed = h.realm().create("Customer", { DisplayName: "Maple Clinic LLC" }) as { Id: string };
    h.realm().mergeCustomers(mapleQbo, typed.Id);
    h.realm().create("Payment", {
      CustomerRef: { value: links.get("C:n" as never)!.qboId },
      TotalAmt: 120,
      Line: [
        { Amount: 120, LinkedTxn: [{ TxnId: links.get("INV:in1" as never)!.qboId, TxnType: "Invoice" }] },
      ],
    });
    await h.sync();
    const during503 = await drain();
    expect(during503.delivered).toBe(0);
    expect(during503.retrying).toBeGreaterThan(0);

    // 3. The receiver is down (connections refused) while people work: a review item opens, two app
    // customers are merged, a global sync brings a QBO-only customer in, and QBO revokes the grant.
    await rx.close();
    // The in-app duplicate that was blocked (never sent) gets a likely QBO twin to review.
    const blocked = links.has("C:t1" as never) ? "t2" : "t1";
    const twin = h.realm().create("Customer", { DisplayName: "Twin Bakery Ltd" }) as { Id: string };
    const review = await h.store
      .company(h.company)
      .review.saveReviewSuggestions(
        "run-x",
        [{ localId: blocked, qboId: twin.Id, score: 0.8, reasons: ["name similar"] }],
        new Date().toISOString(),
      );
    expect(review.opened).toBe(1);
    expectContract(
      "mergeCustomers",
      await h.call("POST", `${base}/merges`, { survivorId: "s", mergedId: "s2" }),
      201,
    );
    h.realm().create("Customer", {
      DisplayName: "Quay Marine Ltd",
      PrimaryEmailAddr: { Address: "q@quay.example" },
    });
    const pulled = expectContract<{ created: number }>(
      "runGlobalSync",
      await h.call("POST", `${base}/global-sync`, { scope: "active", kinds: ["customer"] }),
      200,
    );
    expect(pulled.created).toBeGreaterThan(0);
    h.realm().revokeTokens();
    await expect(h.sync()).rejects.toThrow();
    const whileDown = await drain();
    expect(whileDown.delivered).toBe(0);
    skewMs += 3600_000;
    expect((await drain()).delivered).toBe(0);

    // 4. Back up (same port); the first delivery is processed but its answer lost, so it comes again.
    rx.mode = "accept-then-503";
    await rx.listen();
    skewMs += 7 * 3600_000;
    await drain();
    skewMs += 3600_000; // the retry of the delivery whose answer was lost
    await drain();
    expect(
      (await h.store.company(h.company).outbound.listDeliveries({ limit: 500, state: "pending" })).items,
    ).toEqual([]);

    const events = await h.store.company(h.company).outbound.listEvents();
    // Every event the outbox holds arrived, once after de-duplication by id, every type among them.
    expect([...rx.accepted.keys()].sort()).toEqual(events.map((e) => e.id).sort());
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(outboundEventTypes));
    expect(rx.arrivals.length).toBeGreaterThan(rx.accepted.size); // the lost answer was retried
    expect(rx.refusedSignatures).toBe(0);
    // In order per record: each subject's events arrived in the order they were written.
    const bySubject = new Map<string, string[]>();
    for (const e of events) bySubject.set(e.subject, [...(bySubject.get(e.subject) ?? []), e.id]);
    for (const [subject, ids] of bySubject) expect(rx.order.get(subject), subject).toEqual(ids);
    const types = (subject: string) => events.filter((e) => e.subject === subject).map((e) => e.type);
    expect(types("C:m")).toEqual(["record.synced", "customer.merged"]);
    expect(types("INV:in1")).toEqual(["record.synced", "invoice.paid"]);

    // The delivery log names each attempt: 503s with their body, refused connections without a status.
    // invoice.paid was written during the 503s, tried again while connections were refused, then delivered.
    const page = expectContract<{ items: { id: string; attempts: number }[] }>(
      "listWebhookDeliveries",
      await h.call("GET", `${base}/webhook-deliveries?eventType=invoice.paid&state=delivered`),
      200,
    );
    const retried = page.items;
    expect(retried).toHaveLength(1);
    expect(retried[0]!.attempts).toBeGreaterThan(2);
    const detail = expectContract<{
      log: { statusCode: number | null; ok: boolean; error: string | null; responseBody: string | null }[];
    }>("getWebhookDelivery", await h.call("GET", `${base}/webhook-deliveries/${retried[0]!.id}`), 200);
    expect(detail.log.at(-1)!.ok).toBe(true);
    expect(detail.log.some((a) => a.statusCode === null && a.error !== null)).toBe(true);
    expect(detail.log.some((a) => a.statusCode === 503 && a.responseBody === "maintenance")).toBe(true);

    // Redelivery from the API: the same event id comes again (the receiver's de-duplication drops it).
    const before = rx.arrivals.length;
    const again = expectContract<{ state: string; eventId: string }>(
      "redeliverWebhook",
      await h.call("POST", `${base}/webhook-deliveries/${retried[0]!.id}/redeliver`),
      202,
    );
    expect(again.state).toBe("pending");
    expect((await drain()).delivered).toBe(1);
    expect(rx.arrivals.length).toBe(before + 1);
    expect(rx.arrivals.at(-1)!.id).toBe(again.eventId);
    expect([...rx.accepted.keys()]).toHaveLength(events.length);

    // A forged or replayed delivery is refused by the same check the receiver runs.
    const body = JSON.stringify(events[0]);
    const ts = Math.floor(now().getTime() / 1000);
    expect(() =>
      verifyWebhook({
        secret: rx.secret,
        rawBody: body,
        signature: "v1=00",
        timestamp: String(ts),
        nowSeconds: ts,
      }),
    ).toThrow(WebhookSignatureError);
  });

  it("turns an endpoint off on 410 Gone, with the reason in the API, instead of retrying; enabled again, it resumes in order", async () => {
    h = await startApiHarness(database);
    const harness = h;
    const base = `/api/v1/companies/${h.company}`;
    let skewMs = 0;
    const now = () => new Date(Date.now() + skewMs);
    receiver = new Receiver(() => Math.floor(now().getTime() / 1000));
    await receiver.listen();
    const rx = receiver;
    const created = expectContract<{ id: string; secret: string }>(
      "createWebhookEndpoint",
      await h.call("POST", `${base}/webhook-endpoints`, { url: rx.url }),
      201,
    );
    rx.secret = created.secret;
    const sealer = webhookSecretSealer(
      new ConnectionService({
        store: h.store,
        config: loadConfig({
          LEDGERLINK_COMPANY: h.company,
          QBO_BASE_URL: "http://127.0.0.1:1",
          LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 7).toString("base64"),
        }),
        clock: systemClock,
      }),
    );
    // One attempt at a time, so the pass shows it stops at the first 410 (attempts already in flight to
    // the same endpoint would each finish and log their own 410).
    const deliver = () =>
      deliverDueEvents({
        store: harness.store,
        openSecret: sealer.open,
        now,
        random: () => 0.5,
        concurrency: 1,
      });
    const outbound = h.store.company(h.company).outbound;
    const synced = (ref: string, runId: string) => ({
      type: "record.synced" as const,
      subject: ref,
      data: { ref, runId, action: "created", qboEntity: "Customer", qboId: "1" },
    });
    const at = () => now().toISOString();
    const written = await outbound.write(
      [synced("C:1", "r1"), synced("C:2", "r1"), synced("C:1", "r2")],
      at(),
    );

    // The receiver says the hook is gone: one knock, then the endpoint is off and nothing else is tried.
    rx.mode = "gone";
    expect(await deliver()).toEqual({ attempted: 1, delivered: 0, retrying: 0, failed: 0, disabled: 1 });
    expect(rx.goneAnswers).toBe(1);
    const endpoint = expectContract<{ enabled: boolean; disabledReason: string | null }>(
      "getWebhookEndpoint",
      await h.call("GET", `${base}/webhook-endpoints/${created.id}`),
      200,
    );
    expect(endpoint.enabled).toBe(false);
    expect(endpoint.disabledReason).toMatch(/answered 410 Gone at .*enable the endpoint again/);
    expect(endpoint.disabledReason).toContain(rx.url);
    const list = expectContract<{ items: { id: string; disabledReason: string | null }[] }>(
      "listWebhookEndpoints",
      await h.call("GET", `${base}/webhook-endpoints`),
      200,
    );
    expect(list.items.map((e) => e.disabledReason)).toEqual([endpoint.disabledReason]);
    const deliveries = expectContract<{
      items: { eventId: string; state: string; attempts: number; lastStatusCode: number | null }[];
    }>("listWebhookDeliveries", await h.call("GET", `${base}/webhook-deliveries?limit=50`), 200);
    // Nothing lost: every delivery still pending; the one that met the 410 has it in its log.
    expect(deliveries.items.every((d) => d.state === "pending")).toBe(true);
    expect(deliveries.items.filter((d) => d.attempts > 0).map((d) => d.lastStatusCode)).toEqual([410]);

    // Hours later (past every back-off), still nothing retried while it is off.
    skewMs = 6 * 3_600_000;
    expect((await deliver()).attempted).toBe(0);
    expect(rx.goneAnswers).toBe(1);

    // The app is back and a person enables the endpoint: the reason clears, everything arrives in order.
    rx.mode = "up";
    const enabled = expectContract<{ enabled: boolean; disabledReason: string | null }>(
      "updateWebhookEndpoint",
      await h.call("PUT", `${base}/webhook-endpoints/${created.id}`, { enabled: true }),
      200,
    );
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null });
    for (let r = await deliver(); r.attempted > 0; r = await deliver()) expect(r.disabled).toBe(0);
    expect(rx.order.get("C:1")).toEqual([written[0]!.id, written[2]!.id]);
    expect(rx.order.get("C:2")).toEqual([written[1]!.id]);
    expect(rx.arrivals).toHaveLength(3);
  });
});
