import { describe, expect, it } from "vitest";
import type { BatchOperation } from "./batch-operation.js";
import { createQboClient } from "./qbo-client.js";
import { pullChanges } from "./pull-changes.js";

interface Call {
  url: URL;
  body:
    | { BatchItemRequest: { bId: string; operation: string; Customer?: { DisplayName?: string } }[] }
    | undefined;
}

/** An in-process stand-in for QBO's /batch and /cdc endpoints. */
function fakeQbo(handler: (call: Call) => unknown, status = 200) {
  const calls: Call[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const call: Call = {
      url: new URL(String(input)),
      body: typeof init?.body === "string" ? (JSON.parse(init.body) as Call["body"]) : undefined,
    };
    calls.push(call);
    return new Response(JSON.stringify(handler(call)), { status, headers: { intuit_tid: "tid-1" } });
  };
  const client = createQboClient({
    baseUrl: "https://qbo.test",
    realmId: "1",
    getAccessToken: async () => "t",
    fetch,
    retry: false,
  });
  return { client, calls };
}

const creates = (n: number): BatchOperation[] =>
  Array.from({ length: n }, (_, i) => ({
    key: `C:${i}`,
    operation: "create",
    entity: "Customer",
    payload: { DisplayName: `Cust ${i}` },
  }));

/** Answers every batch item; names containing "dup" get a 6240 fault. */
const echo = (call: Call) => ({
  BatchItemResponse: call.body!.BatchItemRequest.map((item) =>
    item.Customer?.DisplayName?.includes("dup")
      ? {
          bId: item.bId,
          Fault: {
            Error: [{ Message: "Duplicate Name Exists Error", code: "6240", element: "DisplayName" }],
            type: "ValidationFault",
          },
        }
      : {
          bId: item.bId,
          Customer: { Id: `q${item.Customer?.DisplayName}`, SyncToken: "0", ...item.Customer },
        },
  ),
});

describe("QboClient.batch", () => {
  it("sends 65 creates as 3 calls of ≤ 30 and maps every result back to its key in order", async () => {
    const { client, calls } = fakeQbo(echo);
    const results = await client.batch(creates(65));
    expect(calls.map((c) => c.body!.BatchItemRequest.length)).toEqual([30, 30, 5]);
    expect(calls.every((c) => c.url.pathname === "/v3/company/1/batch")).toBe(true);
    expect(results.map((r) => r.key)).toEqual(creates(65).map((o) => o.key));
    expect(results[64]).toMatchObject({ ok: true, entity: "Customer", record: { Id: "qCust 64" } });
    // Each call has its own requestid, and the same items give the same one (a retried run replays).
    const ids = calls.map((c) => c.url.searchParams.get("requestid"));
    expect(new Set(ids).size).toBe(3);
    const again = fakeQbo(echo);
    await again.client.batch(creates(65));
    expect(again.calls.map((c) => c.url.searchParams.get("requestid"))).toEqual(ids);
  });

  it("reports a per-item fault without failing the others, and sends updates sparse", async () => {
    const { client, calls } = fakeQbo(echo);
    const results = await client.batch([
      { key: "a", operation: "create", entity: "Customer", payload: { DisplayName: "fine" } },
      { key: "b", operation: "create", entity: "Customer", payload: { DisplayName: "a dup" } },
      {
        key: "c",
        operation: "update",
        entity: "Customer",
        payload: { Id: "9", SyncToken: "2", DisplayName: "upd" },
      },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    const bad = results[1]!;
    expect(bad.ok === false && bad.error).toMatchObject({
      name: "QboFaultError",
      code: "6240",
      category: "duplicate",
      element: "DisplayName",
      intuitTid: "tid-1",
    });
    expect(calls[0]!.body!.BatchItemRequest[2]).toMatchObject({
      operation: "update",
      Customer: { sparse: true, Id: "9" },
    });
  });

  it("marks a whole call's items failed when the call fails, and refuses duplicate keys", async () => {
    const { client } = fakeQbo(
      () => ({ Fault: { Error: [{ Message: "boom", code: "10000" }], type: "SystemFault" } }),
      500,
    );
    const results = await client.batch(creates(3));
    expect(results.every((r) => !r.ok && r.error.code === "10000")).toBe(true);
    await expect(client.batch([...creates(1), ...creates(1)])).rejects.toMatchObject({
      name: "QboInputError",
      element: "key",
    });
  });
});

describe("QboClient.cdc and pullChanges", () => {
  const cdcBody = {
    CDCResponse: [
      {
        QueryResponse: [
          {
            Customer: [
              { Id: "1", DisplayName: "A", MetaData: { LastUpdatedTime: "2025-01-02T00:00:00-08:00" } },
              { Id: "2", status: "Deleted" },
            ],
          },
          { Invoice: [{ Id: "7", DocNumber: "1001" }] },
        ],
      },
    ],
    time: "2025-01-03T00:00:00-08:00",
  };

  it("parses changes and deletions", async () => {
    const { client, calls } = fakeQbo(() => cdcBody);
    const { changes, truncated } = await client.cdc(
      ["Customer", "Invoice"],
      new Date("2025-01-01T00:00:00Z"),
    );
    expect(calls[0]!.url.pathname).toBe("/v3/company/1/cdc");
    expect(calls[0]!.url.searchParams.get("entities")).toBe("Customer,Invoice");
    expect(calls[0]!.url.searchParams.get("changedSince")).toBe("2025-01-01T00:00:00.000Z");
    expect(changes.map((c) => [c.entity, c.id, c.deleted])).toEqual([
      ["Customer", "1", false],
      ["Customer", "2", true],
      ["Invoice", "7", false],
    ]);
    expect(changes[0]!.lastUpdated).toBe("2025-01-02T00:00:00-08:00");
    expect(truncated).toEqual([]);
  });

  it("re-lists an entity by query when CDC hit its 1000-object cap, keeping CDC's deletions", async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ Id: String(i + 1) }));
    const { client, calls } = fakeQbo((call) =>
      call.url.pathname.endsWith("/cdc")
        ? {
            CDCResponse: [
              { QueryResponse: [{ Customer: [...many.slice(0, 999), { Id: "5000", status: "Deleted" }] }] },
            ],
          }
        : { QueryResponse: { Customer: [{ Id: "1" }, { Id: "2" }] } },
    );
    const now = new Date("2025-03-01T00:00:00Z");
    const r = await pullChanges(client, {
      entities: ["Customer"],
      since: new Date("2025-02-27T00:00:00Z"),
      now,
    });
    expect(calls.map((c) => c.url.pathname.split("/").pop())).toEqual(["cdc", "query"]);
    expect(r.changes.map((c) => [c.id, c.deleted])).toEqual([
      ["5000", true],
      ["1", false],
      ["2", false],
    ]);
  });

  it("uses CDC inside 30 days and a LastUpdatedTime query past them", async () => {
    const now = new Date("2025-03-01T00:00:00Z");
    const recent = fakeQbo(() => cdcBody);
    const r = await pullChanges(recent.client, {
      entities: ["Customer"],
      since: new Date("2025-02-20T00:00:00Z"),
      now,
    });
    expect(r.mode).toBe("cdc");
    expect(r.nextSince.toISOString()).toBe("2025-02-28T23:59:00.000Z");

    const old = fakeQbo(() => ({
      QueryResponse: { Customer: [{ Id: "5", MetaData: { LastUpdatedTime: "x" } }] },
    }));
    const o = await pullChanges(old.client, {
      entities: ["Customer"],
      since: new Date("2025-01-01T00:00:00Z"),
      now,
    });
    expect(o.mode).toBe("query");
    expect(o.changes).toMatchObject([{ entity: "Customer", id: "5", deleted: false }]);
    expect(old.calls[0]!.url.searchParams.get("query")).toBe(
      "SELECT * FROM Customer WHERE MetaData.LastUpdatedTime >= '2025-01-01T00:00:00.000Z' AND Active IN (true, false) STARTPOSITION 1 MAXRESULTS 1000",
    );
  });
});
