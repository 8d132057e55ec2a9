import type { ClassifiedFailure, OutboxOp, RecordRef } from "@ledgerlink/core";
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

  it("announces a QBO refusal once while it stays open: again only when it changes or comes back after a fix", async () => {
    store = await openStore(database.fresh());
    await store.ensureCompany("acme", "Acme");
    const company = store.company("acme");
    const T = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`;
    const op = (ref: string, runId: string): OutboxOp => ({
      id: `op-${ref}-${runId}`,
      runId,
      seq: 1,
      ref: ref as RecordRef,
      entity: "Customer",
      action: "create",
      state: "sent",
      requestId: `rq-${ref}-${runId}`,
      needs: [],
    });
    const duplicate: ClassifiedFailure = { category: "duplicate", message: "name taken", code: "6240" };
    const invalid: ClassifiedFailure = { category: "invalid-data", message: "bad email", code: "2050" };
    const blocked = async () =>
      (await company.outbound.listEvents())
        .filter((e) => e.type === "record.blocked")
        .map((e) => {
          const d = e.data as { ref: string; runId: string; problems: { code?: string; message: string }[] };
          return [d.ref, d.runId, d.problems[0]?.code ?? d.problems[0]?.message];
        });

    // Refused three times the same way: one event, from the first attempt.
    await company.sync.failOp(op("C:1", "r1"), duplicate, T(1));
    await company.sync.failOp(op("C:1", "r2"), duplicate, T(2));
    await company.sync.failOp(op("C:1", "r3"), { ...duplicate, message: "name taken (Id=58)" }, T(3));
    expect(await blocked()).toEqual([["C:1", "r1", "6240"]]);
    // A different refusal is a new problem; repeated, it is not.
    await company.sync.failOp(op("C:1", "r4"), invalid, T(4));
    await company.sync.failOp(op("C:1", "r5"), invalid, T(5));
    expect(await blocked()).toEqual([
      ["C:1", "r1", "6240"],
      ["C:1", "r4", "2050"],
    ]);
    // The errors view still shows one open error for the record: the latest attempt's.
    expect((await company.listOpenErrors()).map((e) => [e.ref, e.runId, e.code])).toEqual([
      ["C:1", "r5", "2050"],
    ]);
    // Fixed (QBO took it), then refused the same way again: announced again.
    await company.sync.confirmOps(
      [
        {
          op: op("C:1", "r6"),
          link: {
            ref: "C:1" as RecordRef,
            qboId: "58",
            syncToken: "0",
            fingerprint: "f",
            lastSyncedAt: T(6),
          },
        },
      ],
      T(6),
    );
    await company.sync.failOp(op("C:1", "r7"), invalid, T(7));
    await company.sync.failOp(op("C:1", "r8"), invalid, T(8));
    // Without a code, the message tells refusals apart; another record's refusal is its own.
    await company.sync.failOp(op("C:2", "r8"), { category: "other", message: "gone" }, T(8));
    await company.sync.failOp(op("C:2", "r9"), { category: "other", message: "gone" }, T(9));
    await company.sync.failOp(op("C:2", "r10"), { category: "other", message: "vanished" }, T(10));
    expect(await blocked()).toEqual([
      ["C:1", "r1", "6240"],
      ["C:1", "r4", "2050"],
      ["C:1", "r7", "2050"],
      ["C:2", "r8", "gone"],
      ["C:2", "r10", "vanished"],
    ]);
  });
});
