import { createEmulator, type Emulator, type EmulatorServer } from "@ledgerlink/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchOperation } from "./batch-operation.js";
import { pullChanges } from "./pull-changes.js";
import { createQboClient, type QboClient } from "./qbo-client.js";
import { select } from "./query-builder.js";
import { requestIdFor } from "./request-id.js";

let emulator: Emulator;
let server: EmulatorServer;

beforeAll(async () => {
  emulator = createEmulator();
  server = await emulator.listen({ host: "127.0.0.1" });
});
afterAll(async () => {
  await server?.close();
});

function clientFor(realmId: string): QboClient {
  const token = emulator.issueAccessToken(realmId);
  return createQboClient({
    baseUrl: server.url,
    realmId,
    getAccessToken: async () => token,
    sleep: async () => undefined,
  });
}

const creates = (companyId: string, n: number, prefix: string): BatchOperation[] =>
  Array.from({ length: n }, (_, i) => ({
    key: requestIdFor({
      companyId,
      operation: "create",
      entity: "Customer",
      recordId: `C:${i}`,
      generation: 0,
    }),
    operation: "create" as const,
    entity: "Customer" as const,
    payload: { DisplayName: `${prefix} ${i}` },
  }));

describe("batch and CDC against the emulator over HTTP", () => {
  it("sends 65 creates as 3 batches and maps each result to its record", async () => {
    const realm = emulator.createRealm({ companyName: "Batch" });
    const client = clientFor(realm.id);
    const ops = creates(realm.id, 65, "Batch Co");
    const results = await client.batch(ops);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => r.key)).toEqual(ops.map((o) => o.key));
    const batchCalls = realm.requestLog.filter((e) =>
      new URL(e.path, "http://x").pathname.endsWith("/batch"),
    );
    expect(batchCalls).toHaveLength(3);
    for (const [i, r] of results.entries()) {
      expect(r.ok && r.record["DisplayName"]).toBe(`Batch Co ${i}`);
    }
    expect(await client.count(select("Customer").startsWith("DisplayName", "Batch Co"))).toBe(65);
  });

  it("reports a per-item duplicate without failing the rest", async () => {
    const realm = emulator.createRealm({ companyName: "Batch dup" });
    realm.create("Customer", { DisplayName: "Taken Name" });
    const client = clientFor(realm.id);
    const results = await client.batch([
      { key: "a", operation: "create", entity: "Customer", payload: { DisplayName: "Fresh Name" } },
      { key: "b", operation: "create", entity: "Customer", payload: { DisplayName: "Taken Name" } },
    ]);
    expect(results[0]).toMatchObject({ key: "a", ok: true });
    expect(results[1]).toMatchObject({
      key: "b",
      ok: false,
      error: { name: "QboFaultError", code: "6240", category: "duplicate" },
    });
  });

  it("retries injected 429s and 500s on batch calls and writes nothing twice (the requestid log proves it)", async () => {
    const realm = emulator.createRealm({ companyName: "Batch faults" });
    const client = clientFor(realm.id);
    realm.injectFault({ kind: "500", times: 1, pathIncludes: "/batch" });
    realm.injectFault({ kind: "429", after: 1, times: 1, pathIncludes: "/batch" });
    realm.injectFault({ kind: "503", after: 2, times: 1, pathIncludes: "/batch" });
    const ops = creates(realm.id, 65, "Faulty Co");
    const results = await client.batch(ops, { concurrency: 1 });
    expect(results.every((r) => r.ok)).toBe(true);

    const log = realm.requestLog.filter((e) => new URL(e.path, "http://x").pathname.endsWith("/batch"));
    const statuses = new Map<string, number[]>();
    for (const e of log) statuses.set(e.requestid!, [...(statuses.get(e.requestid!) ?? []), e.status]);
    // Three distinct requestids (one per chunk), each succeeding exactly once after its failures.
    expect(statuses.size).toBe(3);
    for (const s of statuses.values()) expect(s.filter((x) => x === 200)).toHaveLength(1);
    expect(
      log
        .map((e) => e.status)
        .filter((s) => s !== 200)
        .sort(),
    ).toEqual([429, 500, 503]);
    expect(
      realm.list("Customer").filter((c) => String(c["DisplayName"]).startsWith("Faulty Co")),
    ).toHaveLength(65);

    // Re-running the same work (a crashed worker's retry) replays; still 65, not 130.
    const again = await client.batch(ops);
    expect(again.every((r) => r.ok)).toBe(true);
    expect(
      realm.list("Customer").filter((c) => String(c["DisplayName"]).startsWith("Faulty Co")),
    ).toHaveLength(65);
  });

  it("pulls changes by CDC since a checkpoint, deletions included", async () => {
    const realm = emulator.createRealm({ companyName: "CDC" });
    const client = clientFor(realm.id);
    const since = realm.now();
    realm.advanceClock(1000);
    const c = await client.createCustomer({ DisplayName: "Changed Later" }, { requestId: "cdc-create-g1" });
    const inv = realm.create("Invoice", {
      CustomerRef: { value: c.Id! },
      Line: [
        {
          DetailType: "SalesItemLineDetail",
          Amount: 10,
          SalesItemLineDetail: { ItemRef: { value: String(realm.list("Item")[0]?.["Id"] ?? "1") } },
        },
      ],
    });
    await client.delete(
      "Invoice",
      { Id: String(inv["Id"]), SyncToken: String(inv["SyncToken"]) },
      { requestId: "cdc-delete-g1" },
    );

    const pulled = await pullChanges(client, { entities: ["Customer", "Invoice"], since, now: realm.now() });
    expect(pulled.mode).toBe("cdc");
    expect(pulled.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ entity: "Customer", id: c.Id, deleted: false }),
        expect.objectContaining({ entity: "Invoice", id: String(inv["Id"]), deleted: true }),
      ]),
    );

    const old = new Date(realm.now().getTime() - 40 * 24 * 3600_000);
    const full = await pullChanges(client, { entities: ["Customer"], since: old, now: realm.now() });
    expect(full.mode).toBe("query");
    expect(full.changes.map((x) => x.id)).toContain(c.Id);
  });
});
