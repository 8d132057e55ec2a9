import { createEmulator, type Emulator, type EmulatorServer } from "@ledgerlink/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQboClient, type QboClient } from "./qbo-client.js";
import { QboFaultError } from "./qbo-error.js";
import { select } from "./query-builder.js";

let emulator: Emulator;
let server: EmulatorServer;
let realmId: string;
let client: QboClient;
const sleeps: number[] = [];

beforeAll(async () => {
  emulator = createEmulator();
  server = await emulator.listen({ host: "127.0.0.1" });
  realmId = emulator.createRealm({ companyName: "Client test" }).id;
  const token = emulator.issueAccessToken(realmId);
  client = createQboClient({
    baseUrl: server.url,
    realmId,
    getAccessToken: async () => token,
    // Delays are checked by the unit tests; here the retries only need to happen.
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
});

afterAll(async () => {
  await server?.close();
});

describe("QboClient against the emulator over HTTP", () => {
  it("creates, reads, sparse-updates and finds O'Brien's Plumbing by an escaped query", async () => {
    const created = await client.createCustomer(
      { DisplayName: "O'Brien's Plumbing", PrimaryEmailAddr: { Address: "office@obrien.example" } },
      { requestId: "int-create-obrien-g1" },
    );
    expect(created.Id).toMatch(/^\d+$/);
    expect(created.SyncToken).toBe("0");

    const found = await client.queryAll(select("Customer").where("DisplayName", "=", "O'Brien's Plumbing"));
    expect(found.map((c) => c.Id)).toEqual([created.Id]);

    const updated = await client.updateCustomer(
      { Id: created.Id!, SyncToken: created.SyncToken!, Notes: "Gate code 1234" },
      { requestId: "int-update-obrien-g1" },
    );
    expect(updated.SyncToken).toBe("1");
    // Sparse: the e-mail not sent is still there.
    const read = await client.read("Customer", created.Id!);
    expect(read).toMatchObject({
      Notes: "Gate code 1234",
      PrimaryEmailAddr: { Address: "office@obrien.example" },
    });
  });

  it("replays a repeated requestid instead of writing twice", async () => {
    const a = await client.createCustomer({ DisplayName: "Repeat Ltd" }, { requestId: "int-repeat-g1" });
    const b = await client.createCustomer({ DisplayName: "Repeat Ltd" }, { requestId: "int-repeat-g1" });
    expect(b.Id).toBe(a.Id);
    const all = await client.queryAll(select("Customer").where("DisplayName", "=", "Repeat Ltd"));
    expect(all).toHaveLength(1);
  });

  it("types duplicate-name and stale-object faults", async () => {
    const err = await client
      .createCustomer({ DisplayName: "O'Brien's Plumbing" }, { requestId: "int-dup-g1" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QboFaultError);
    expect(err).toMatchObject({ code: "6240", category: "duplicate", status: 400 });

    const [c] = await client.queryAll(select("Customer").where("DisplayName", "=", "O'Brien's Plumbing"));
    const stale = await client
      .updateCustomer({ Id: c!.Id!, SyncToken: "0", Notes: "late" }, { requestId: "int-stale-g1" })
      .catch((e: unknown) => e);
    expect(stale).toMatchObject({ name: "QboFaultError", code: "5010", category: "stale" });
  });

  it("pages past 1000 and includes inactive records when asked", async () => {
    const realm = emulator.realm(realmId);
    for (let i = 0; i < 1005; i++)
      realm.create("Customer", { DisplayName: `Bulk ${String(i).padStart(4, "0")}` });
    const inactive = realm.create("Customer", { DisplayName: "Bulk old" });
    const ro = await client.read("Customer", String(inactive["Id"]));
    await client.deactivate(
      "Customer",
      { Id: ro.Id!, SyncToken: ro.SyncToken! },
      { requestId: "int-deactivate-g1" },
    );

    const active = await client.queryAll(select("Customer").startsWith("DisplayName", "Bulk"));
    expect(active).toHaveLength(1005);
    const everyone = await client.listAll(select("Customer").startsWith("DisplayName", "Bulk"));
    expect(everyone).toHaveLength(1006);
    expect(await client.count(select("Customer").startsWith("DisplayName", "Bulk"))).toBe(1005);
  });

  it("retries injected 500s and 429s and writes once", async () => {
    const realm = emulator.realm(realmId);
    realm.injectFault({ kind: "500", times: 1, pathIncludes: "/customer" });
    realm.injectFault({ kind: "429", times: 1, pathIncludes: "/customer" });
    const before = sleeps.length;
    const saved = await client.createCustomer(
      { DisplayName: "Flaky Network Co" },
      { requestId: "int-flaky-g1" },
    );
    expect(sleeps.length - before).toBe(2);
    const writes = realm.requestLog.filter((e) => e.requestid === "int-flaky-g1");
    expect(writes.map((e) => e.status)).toEqual([500, 429, 200]);
    const found = await client.queryAll(select("Customer").where("DisplayName", "=", "Flaky Network Co"));
    expect(found.map((c) => c.Id)).toEqual([saved.Id]);
  });

  it("keeps reading through three 503s in a row (a read is not limited to one resubmit)", async () => {
    const realm = emulator.realm(realmId);
    realm.injectFault({ kind: "503", times: 3, pathIncludes: "/query" });
    const found = await client.queryAll(select("Customer").where("DisplayName", "=", "Flaky Network Co"));
    expect(found).toHaveLength(1);
    expect(realm.requestLog.slice(-4).map((e) => e.status)).toEqual([503, 503, 503, 200]);
  });
});
