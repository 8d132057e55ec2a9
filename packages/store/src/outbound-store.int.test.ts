import { afterEach, describe, expect, it } from "vitest";
import { EndpointNotFoundError, DeliveryNotFoundError } from "./outbound-store.js";
import { openStore, type Store } from "./store.js";
import { testDatabases } from "./test-databases.js";

describe.each(testDatabases())("outbound store contract ($dialect)", (database) => {
  let store: Store | undefined;
  afterEach(async () => store?.close());

  const synced = (ref: string, runId = "r1") => ({
    type: "record.synced" as const,
    subject: ref,
    data: { ref, runId, action: "created", qboEntity: "Customer", qboId: "1" },
  });

  it("fans events out to enabled endpoints that take the type, due oldest-first and one per subject at a time", async () => {
    store = await openStore(database.fresh());
    await store.ensureCompany("acme", "Acme");
    await store.ensureCompany("other", "Other");
    const out = store.company("acme").outbound;
    const at = "2026-01-01T00:00:00.000Z";
    const all = await out.createEndpoint({
      url: "http://a",
      description: "",
      eventTypes: [],
      sealedSecret: "s1",
      secretHint: "abcd",
      at,
    });
    const runs = await out.createEndpoint({
      url: "http://b",
      description: "",
      eventTypes: ["run.completed"],
      sealedSecret: "s2",
      secretHint: "efgh",
      at,
    });
    const off = await out.createEndpoint({
      url: "http://c",
      description: "",
      eventTypes: [],
      sealedSecret: "s3",
      secretHint: "ijkl",
      at,
    });
    await out.updateEndpoint(off.id, { enabled: false }, at);
    expect((await out.listEndpoints()).map((e) => [e.url, e.enabled])).toEqual([
      ["http://a", true],
      ["http://b", true],
      ["http://c", false],
    ]);
    // Another company sees none of it.
    expect(await store.company("other").outbound.listEndpoints()).toEqual([]);
    await expect(store.company("other").outbound.getEndpoint(all.id)).rejects.toBeInstanceOf(
      EndpointNotFoundError,
    );

    const [first, second, third] = await out.write([synced("C:1"), synced("C:1", "r2"), synced("C:2")], at);
    await out.write(
      [
        {
          type: "run.completed",
          subject: "run:r1",
          data: {
            runId: "r1",
            status: "succeeded",
            trigger: "manual",
            startedAt: at,
            finishedAt: at,
            counts: {
              created: 1,
              linked: 0,
              updated: 0,
              reactivated: 0,
              inactivated: 0,
              deleted: 0,
              skipped: 0,
              held: 0,
              blocked: 0,
              failed: 0,
              pending: 0,
            },
            note: null,
          },
        },
      ],
      at,
    );
    const deliveries = await out.listDeliveries({ limit: 50 });
    expect(deliveries.items.filter((d) => d.endpointId === all.id)).toHaveLength(4);
    expect(deliveries.items.filter((d) => d.endpointId === runs.id).map((d) => d.eventType)).toEqual([
      "run.completed",
    ]);
    expect(deliveries.items.filter((d) => d.endpointId === off.id)).toEqual([]);

    // C:1's second event waits for its first; C:2 and the run go at once.
    const due = await out.dueDeliveries(at, 100);
    expect(due.filter((d) => d.endpoint.id === all.id).map((d) => d.event.id)).toEqual([
      first!.id,
      third!.id,
      expect.stringMatching(/^evt_/),
    ]);
    expect(due.some((d) => d.event.id === second!.id)).toBe(false);
    // Nothing is due before its time.
    expect(await out.dueDeliveries("2025-12-31T23:59:59.000Z", 100)).toEqual([]);

    // One claim wins; a second deliverer holding the same read loses.
    const head = due.find((d) => d.event.id === first!.id)!;
    expect(await out.claim(head.delivery, "2026-01-01T00:01:00.000Z")).toBe(true);
    expect(await out.claim(head.delivery, "2026-01-01T00:01:00.000Z")).toBe(false);
    await out.recordAttempt(
      head.delivery,
      { at, durationMs: 12, statusCode: 503, ok: false, error: "HTTP 503", responseBody: "busy" },
      { state: "pending", retryAt: "2026-01-01T00:05:00.000Z" },
    );
    // Still pending, so C:1's next event still waits.
    expect(
      (await out.dueDeliveries("2026-01-01T00:01:00.000Z", 100)).some((d) => d.event.id === second!.id),
    ).toBe(false);
    const again = (await out.dueDeliveries("2026-01-01T00:05:00.000Z", 100)).find(
      (d) => d.event.id === first!.id,
    )!;
    expect(again.delivery.attempts).toBe(1);
    expect(await out.claim(again.delivery, "2026-01-01T00:06:00.000Z")).toBe(true);
    await out.recordAttempt(
      again.delivery,
      { at, durationMs: 8, statusCode: 200, ok: true, error: null, responseBody: "ok" },
      { state: "delivered" },
    );
    expect(
      (await out.dueDeliveries("2026-01-01T00:06:00.000Z", 100)).some((d) => d.event.id === second!.id),
    ).toBe(true);
    const detail = await out.getDelivery(head.delivery.id);
    expect(detail.state).toBe("delivered");
    expect(detail.event.data).toEqual(first!.data);
    expect(detail.log.map((a) => [a.attempt, a.statusCode, a.ok, a.responseBody])).toEqual([
      [1, 503, false, "busy"],
      [2, 200, true, "ok"],
    ]);

    // Redelivery queues it again; deleting the endpoint takes its deliveries and log with it.
    expect((await out.redeliver(head.delivery.id, at)).state).toBe("pending");
    await expect(out.redeliver("dlv_nope", at)).rejects.toBeInstanceOf(DeliveryNotFoundError);
    await out.rotateSecret(all.id, { sealedSecret: "s9", secretHint: "wxyz", previousUntil: at, at });
    const rotated = await out.signingEndpoint(all.id);
    expect([rotated.sealedSecret, rotated.previousSealedSecret, rotated.secretHint]).toEqual([
      "s9",
      "s1",
      "wxyz",
    ]);
    await out.deleteEndpoint(all.id);
    await expect(out.getDelivery(head.delivery.id)).rejects.toBeInstanceOf(DeliveryNotFoundError);
    await expect(out.deleteEndpoint(all.id)).rejects.toBeInstanceOf(EndpointNotFoundError);
    expect((await out.listEvents()).length).toBe(4);
  });
});
