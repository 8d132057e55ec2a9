import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  pullQbo,
  readQboSnapshot,
  type MirroredEntity,
  type PulledChange,
  type PullProgress,
  type QboPullApi,
} from "@ledgerlink/core";
import {
  createEmulator,
  demoCompanySeed,
  type Emulator,
  type EmulatorServer,
  type RealmHandle,
} from "@ledgerlink/emulator";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { afterEach, describe, expect, it } from "vitest";
import { createQboClient, type QboClient } from "./qbo-client.js";
import { qboPullApi } from "./qbo-pull-api.js";
import { createWebhookReceiver } from "./webhook.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, asserted field by field
type Json = any;

const COMPANY = "acme";
const verifierToken = "pull-test-verifier";

interface Setup {
  emu: Emulator;
  realm: RealmHandle;
  client: QboClient;
  api: QboPullApi;
  store: Store;
  pull: (o?: {
    full?: boolean;
    api?: QboPullApi;
    onProgress?: (p: PullProgress) => void;
  }) => ReturnType<typeof pullQbo>;
  /** Every GET of one record the pull made (webhook re-reads), as `entity/id`. */
  reads: () => string[];
}

const byId = (a: PulledChange, b: PulledChange) =>
  a.entity === b.entity ? Number(a.id) - Number(b.id) : a.entity.localeCompare(b.entity);
const sorted = (changes: PulledChange[]) => [...changes].sort(byId);

describe.each(testDatabases())("QBO mirror pull from the emulator over HTTP, on $dialect", (database) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  /** The demo company in a fresh emulator on a loopback port, a fresh store, and (optionally) webhooks into the store. */
  async function setup(o: { webhooks?: boolean } = {}): Promise<Setup> {
    const emu = createEmulator({ seed: demoCompanySeed });
    const server: EmulatorServer = await emu.listen({ host: "127.0.0.1" });
    cleanup.push(() => server.close());
    const store = await openStore(database.fresh());
    cleanup.push(() => store.close());
    await store.ensureCompany(COMPANY, "Acme Plumbing");
    const realm = emu.realm(emu.defaultRealmId);
    // The seed was typed in "before": keep it out of the first incremental pull's overlap.
    realm.advanceClock(5 * 60_000);

    if (o.webhooks) {
      // A real receiver on loopback: signature checked, events noted for the next pull (as the server does).
      const receiver = createWebhookReceiver({
        verifierToken,
        enqueue: async (events) => {
          const at = realm.now().toISOString();
          await store.company(COMPANY).noteQboChanges(
            events.map((e) => ({
              entity: e.entity,
              qboId: e.id,
              operation: e.operation,
              lastUpdated: e.lastUpdated ?? at,
            })),
            at,
          );
        },
      });
      const hooks: Server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
          void receiver(
            new Request("http://127.0.0.1/hooks", { method: "POST", headers, body: Buffer.concat(chunks) }),
          ).then((r) => {
            res.statusCode = r.status;
            res.end();
          });
        });
      });
      await new Promise<void>((r) => hooks.listen(0, "127.0.0.1", r));
      cleanup.push(() => new Promise<void>((r) => hooks.close(() => r())));
      emu.webhooks.configure({
        url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks`,
        verifierToken,
        format: "legacy",
      });
    }

    const client = createQboClient({
      baseUrl: server.url,
      realmId: realm.id,
      // Fresh each call: some tests move the company's clock a month on, past any token's hour.
      getAccessToken: async () => emu.issueAccessToken(realm.id),
      sleep: async () => undefined,
    });
    const api = qboPullApi(client);
    const mirror = store.company(COMPANY).qbo;
    let logMark = 0;
    return {
      emu,
      realm,
      client,
      api,
      store,
      pull: (p = {}) => {
        logMark = realm.requestLog.length;
        return pullQbo({
          api: p.api ?? api,
          mirror,
          now: () => realm.now(),
          ...(p.full ? { full: true } : {}),
          ...(p.onProgress ? { onProgress: p.onProgress } : {}),
        });
      },
      reads: () =>
        realm.requestLog
          .slice(logMark)
          .filter((e) => e.method === "GET")
          .map((e) => new URL(e.path, "http://x").pathname.split("/").slice(4).join("/"))
          .filter((p) => /^[a-z]+\/[^/]+$/.test(p)),
    };
  }

  const wire = (realm: RealmHandle, entity: MirroredEntity, id: string): Json => realm.get(entity, id);

  it("pulls the whole demo company first, and the snapshot is the emulator's data", async () => {
    const s = await setup();
    const result = await s.pull();
    expect(result.mode).toBe("full");
    const listed = (e: MirroredEntity) => s.realm.list(e).length;
    expect(result.counts).toEqual({
      Account: listed("Account"),
      TaxCode: listed("TaxCode"),
      Item: listed("Item"),
      Customer: listed("Customer"),
      Vendor: listed("Vendor"),
      Employee: listed("Employee"),
      Invoice: listed("Invoice"),
      CreditMemo: listed("CreditMemo"),
      Payment: listed("Payment"),
    });
    // Inactive records are part of a full pull (QBO's query hides them unless asked).
    expect(s.realm.list("Customer").some((c: Json) => c.Active === false)).toBe(true);
    expect(result.changes.every((c) => c.operation === "create")).toBe(true);
    expect(result.changes).toHaveLength(Object.values(result.counts).reduce((a, b) => a + b, 0));

    const mirror = s.store.company(COMPANY).qbo;
    // The wire JSON is kept whole: the inactive customer as QBO shows it, the job with its parent.
    expect((await mirror.getObject("Customer", "204"))?.data).toEqual(wire(s.realm, "Customer", "204"));
    expect((await mirror.getObject("Customer", "206"))?.data).toEqual(wire(s.realm, "Customer", "206"));
    // The next pull starts a minute before this one did, so a change stamped late is not missed.
    const checkpoint = await mirror.readCheckpoint();
    expect(Date.parse(checkpoint.fullPullAt!) - Date.parse(checkpoint.since!)).toBe(60_000);

    const snapshot = await readQboSnapshot(mirror);
    const customers = s.realm.list("Customer").map((c: Json) => ({
      id: c.Id,
      displayName: c.DisplayName,
      active: c.Active,
      ...(c.ParentRef ? { parentId: c.ParentRef.value, level: c.Level } : {}),
    }));
    expect(snapshot.customers).toEqual(customers);
    expect(snapshot.customers).toContainEqual({
      id: "204",
      displayName: "Harbor Dental (deleted)",
      active: false,
    });
    expect(snapshot.customers).toContainEqual({
      id: "206",
      displayName: "Unit 4B",
      active: true,
      parentId: "205",
      level: 1,
    });
    expect(snapshot.vendors).toContainEqual({ id: "300", displayName: "Rivera Landscaping", active: true });
    expect(snapshot.employees).toContainEqual({ id: "400", displayName: "Dana Lee", active: true });
    expect(snapshot.items).toContainEqual({
      id: "101",
      name: "Copper Pipe",
      sku: "CP-12",
      type: "NonInventory",
      active: true,
    });
    expect(snapshot.items).toContainEqual(
      expect.objectContaining({ id: "102", name: "Old Valve", active: false }),
    );
    expect(snapshot.accounts.map((a) => a.name).sort()).toEqual(
      s.realm
        .list("Account")
        .map((a: Json) => a.Name as string)
        .sort(),
    );
    expect(snapshot.accounts).toContainEqual(
      expect.objectContaining({ name: "Accounts Receivable (A/R)", accountType: "Accounts Receivable" }),
    );
    expect(snapshot.taxCodes.map((t) => t.id).sort()).toEqual(["NON", "TAX"]);
    expect(snapshot.preferences).toEqual({ customTxnNumbers: true });
    expect(snapshot.closingDate).toBe("2025-12-31");
    expect(snapshot.documents).toHaveLength(
      s.realm.list("Invoice").length + s.realm.list("CreditMemo").length,
    );
    expect(snapshot.documents).toEqual(
      expect.arrayContaining([
        {
          type: "Invoice",
          id: "500",
          docNumber: "1001",
          customerId: "200",
          total: 19_000,
          txnDate: "2025-12-15",
          balance: 19_000,
        },
        {
          type: "Invoice",
          id: "501",
          docNumber: "1002",
          customerId: "201",
          total: 12_500,
          txnDate: "2026-01-10",
          balance: 7_500,
        },
      ]),
    );
    expect(snapshot.payments).toHaveLength(s.realm.list("Payment").length);
    expect(snapshot.payments).toContainEqual({
      id: "600",
      customerId: "201",
      total: 5_000,
      txnDate: "2026-01-20",
      // Another integration's card-payment id, kept so the app's own payment is recognised.
      reference: "ch_1002",
    });
  });

  it("reports objects fetched per entity as pages arrive, of QBO's count; an incremental pull its changes", async () => {
    const s = await setup();
    // Two pages of customers (QBO's pages hold 1,000), typed in well before the pull's overlap.
    for (let i = 0; i < 1_005; i++) s.realm.create("Customer", { DisplayName: `Paged Customer ${i}` });
    s.realm.advanceClock(2 * 60_000);
    const seen: PullProgress[] = [];
    const full = await s.pull({ onProgress: (p) => seen.push(p) });
    expect(full.mode).toBe("full");
    const customers = seen.filter((p) => p.entity === "Customer");
    const n = full.counts.Customer;
    expect(n).toBe(s.realm.list("Customer").length);
    expect(n).toBeGreaterThan(1_000);
    expect(customers[0]).toEqual({ entity: "Customer", fetched: 0, total: n });
    expect(customers.at(-1)).toEqual({ entity: "Customer", fetched: n, total: n });
    // Each page as it lands: the count only grows, against the same total.
    const fetched = customers.map((p) => p.fetched);
    expect(fetched).toEqual([...fetched].sort((a, b) => a - b));
    expect(fetched.some((f) => f > 0 && f < n)).toBe(true);
    expect(customers.every((p) => p.total === n)).toBe(true);
    // Every entity ends at the number the pull counted, in the order the pull lists them.
    for (const [entity, count] of Object.entries(full.counts))
      expect(seen.filter((p) => p.entity === entity).at(-1)).toEqual({
        entity,
        fetched: count,
        total: count,
      });

    s.realm.advanceClock(2_000);
    s.realm.create("Customer", { DisplayName: "One More" });
    const later: PullProgress[] = [];
    const incremental = await s.pull({ onProgress: (p) => later.push(p) });
    expect(incremental.mode).toBe("cdc");
    expect(later).toEqual([{ entity: "Customer", fetched: 1, total: 1 }]);
  });

  it("picks up creates, updates, inactivations, a deleted transaction and a merge through CDC", async () => {
    const s = await setup();
    await s.pull();
    s.realm.advanceClock(2_000);

    const created = s.realm.create("Customer", { DisplayName: "New Home Owner" });
    const obrien = wire(s.realm, "Customer", "202");
    await s.client.update(
      "Customer",
      { Id: "202", SyncToken: obrien.SyncToken, DisplayName: "O'Brien Plumbing & Heating" },
      { requestId: "rename-202" },
    );
    const pipe = wire(s.realm, "Item", "101");
    await s.client.deactivate("Item", { Id: "101", SyncToken: pipe.SyncToken }, { requestId: "off-101" });
    const payment = wire(s.realm, "Payment", "600");
    await s.client.delete("Payment", { Id: "600", SyncToken: payment.SyncToken }, { requestId: "del-600" });
    // Made in QBO's web UI: Acme Plumbing Inc (201) merged into Big Duplicating Co. (200).
    s.realm.mergeCustomers("201", "200");
    s.realm.advanceClock(2_000);

    const result = await s.pull();
    expect(result.mode).toBe("cdc");
    expect(sorted(result.changes)).toEqual(
      sorted([
        { entity: "Customer", id: "200", operation: "update", absorbedIds: ["201"] },
        { entity: "Customer", id: "201", operation: "merge", mergedIntoId: "200" },
        { entity: "Customer", id: "202", operation: "update" },
        { entity: "Customer", id: String(created["Id"]), operation: "create" },
        { entity: "Item", id: "101", operation: "update" },
        { entity: "Invoice", id: "501", operation: "update" },
        { entity: "Payment", id: "600", operation: "delete" },
      ]),
    );

    const mirror = s.store.company(COMPANY).qbo;
    // The data is complete: the lead's two-way code sees the merged customer and where its invoice went.
    expect((await mirror.getObject("Customer", "201"))?.data).toEqual(wire(s.realm, "Customer", "201"));
    expect((await mirror.getObject("Invoice", "501"))?.data).toEqual(wire(s.realm, "Invoice", "501"));
    const snapshot = await readQboSnapshot(mirror);
    expect(snapshot.customers).toContainEqual({
      id: "201",
      displayName: "Acme Plumbing Inc (deleted)",
      active: false,
    });
    expect(snapshot.customers).toContainEqual({
      id: "202",
      displayName: "O'Brien Plumbing & Heating",
      active: true,
    });
    expect(snapshot.items).toContainEqual(expect.objectContaining({ id: "101", active: false }));
    expect(snapshot.payments).toEqual([]);
    expect(snapshot.documents.find((d) => d.id === "501")).toMatchObject({
      customerId: "200",
      balance: 12_500,
    });
    expect((await mirror.listObjects("Payment", { includeDeleted: true }))[0]).toMatchObject({
      id: "600",
      deleted: true,
    });

    // Nothing new: the overlap re-delivers the same versions, which change nothing.
    s.realm.advanceClock(2_000);
    const again = await s.pull();
    expect(again.mode).toBe("cdc");
    expect(again.changes).toEqual([]);
  });

  it("picks up changes from webhook notices alone, re-reading what they name, and tells a merge from the survivor's notice", async () => {
    const s = await setup({ webhooks: true });
    await s.pull();
    s.realm.advanceClock(2_000);

    const smith = wire(s.realm, "Customer", "203");
    await s.client.update(
      "Customer",
      { Id: "203", SyncToken: smith.SyncToken, DisplayName: "Smith, John A." },
      { requestId: "rename-203" },
    );
    const payment = wire(s.realm, "Payment", "600");
    await s.client.delete("Payment", { Id: "600", SyncToken: payment.SyncToken }, { requestId: "del-600" });
    s.realm.mergeCustomers("201", "200");
    await s.emu.webhooks.idle();
    const notices = await s.store.company(COMPANY).qbo.pendingNotices();
    expect(notices.map((n) => `${n.operation} ${n.entity} ${n.qboId}`).sort()).toEqual([
      "Delete Payment 600",
      "Merge Customer 200",
      "Update Customer 203",
      "Update Invoice 501",
    ]);

    // CDC is made to see nothing (as if it lagged): everything below comes from the notices.
    s.realm.advanceClock(120_000);
    const mirror = s.store.company(COMPANY).qbo;
    await mirror.saveCheckpoint({ ...(await mirror.readCheckpoint()), since: s.realm.now().toISOString() });
    const result = await s.pull();
    expect(result.mode).toBe("cdc");
    expect(sorted(result.changes)).toEqual(
      sorted([
        { entity: "Customer", id: "200", operation: "update", absorbedIds: ["201"] },
        { entity: "Customer", id: "201", operation: "merge", mergedIntoId: "200" },
        { entity: "Customer", id: "203", operation: "update" },
        { entity: "Invoice", id: "501", operation: "update" },
        { entity: "Payment", id: "600", operation: "delete" },
      ]),
    );
    // The invoice moved away from 201, so 201 was read too (it had no notice of its own).
    expect(s.reads().sort()).toEqual(
      ["customer/200", "customer/201", "customer/203", "invoice/501", "payment/600"].sort(),
    );
    expect(await mirror.pendingNotices()).toEqual([]);
    expect((await mirror.getObject("Customer", "203"))?.data).toEqual(wire(s.realm, "Customer", "203"));

    // Read again, nothing changes.
    expect((await s.pull()).changes).toEqual([]);
  });

  it("reports a merge QBO named by deletedId, even when no transaction moved", async () => {
    const s = await setup();
    const a = s.realm.create("Customer", { DisplayName: "Lee Dental" });
    const b = s.realm.create("Customer", { DisplayName: "Lee Dental Group" });
    await s.pull();
    s.realm.advanceClock(2_000);
    s.realm.mergeCustomers(String(a["Id"]), String(b["Id"]));
    // What the webhook handler records for QBO's `{"operation": "Merge", "id": survivor, "deletedId": merged}`.
    const at = s.realm.now().toISOString();
    await s.store.company(COMPANY).noteQboChanges(
      [
        {
          entity: "Customer",
          qboId: String(b["Id"]),
          operation: "Merge",
          lastUpdated: at,
          deletedId: String(a["Id"]),
        },
      ],
      at,
    );
    s.realm.advanceClock(2_000);
    const result = await s.pull();
    expect(sorted(result.changes)).toEqual(
      sorted([
        { entity: "Customer", id: String(a["Id"]), operation: "merge", mergedIntoId: String(b["Id"]) },
        { entity: "Customer", id: String(b["Id"]), operation: "update", absorbedIds: [String(a["Id"])] },
      ]),
    );

    // Without deletedId and with no moved transaction, QBO's Merge on the survivor is still passed on.
    const c = s.realm.create("Customer", { DisplayName: "Pine Street HOA" });
    const d = s.realm.create("Customer", { DisplayName: "Pine St. HOA" });
    await s.pull();
    s.realm.advanceClock(2_000);
    s.realm.mergeCustomers(String(c["Id"]), String(d["Id"]));
    const at2 = s.realm.now().toISOString();
    await s.store
      .company(COMPANY)
      .noteQboChanges(
        [{ entity: "Customer", qboId: String(d["Id"]), operation: "Merge", lastUpdated: at2 }],
        at2,
      );
    s.realm.advanceClock(2_000);
    expect(sorted((await s.pull()).changes)).toEqual(
      sorted([
        { entity: "Customer", id: String(c["Id"]), operation: "update" },
        { entity: "Customer", id: String(d["Id"]), operation: "update", absorbedIds: [] },
      ]),
    );
  });

  it("lists everything again when asked or when the checkpoint is past CDC's 30 days, and reconciles deletions", async () => {
    const s = await setup();
    await s.pull();
    s.realm.advanceClock(2_000);
    const payment = wire(s.realm, "Payment", "600");
    await s.client.delete("Payment", { Id: "600", SyncToken: payment.SyncToken }, { requestId: "del-600" });

    const full = await s.pull({ full: true });
    expect(full.mode).toBe("full");
    // Only what changed since the mirror last saw it: the deletion (confirmed by a read) and the invoice it reopened.
    expect(sorted(full.changes)).toEqual([
      { entity: "Invoice", id: "501", operation: "update" },
      { entity: "Payment", id: "600", operation: "delete" },
    ]);
    expect(s.reads()).toContain("payment/600");

    s.realm.advanceClock(31 * 24 * 3600_000);
    s.realm.create("Customer", { DisplayName: "Late Arrival" });
    const late = await s.pull();
    expect(late.mode).toBe("full");
    expect(late.changes).toEqual([expect.objectContaining({ entity: "Customer", operation: "create" })]);
  });

  it("lists a company bigger than a page, pages a few at a time, each record once", async () => {
    const s = await setup();
    const seeded = s.realm.list("Customer") as Json[];
    for (let i = 0; i < 2_050; i++) s.realm.create("Customer", { DisplayName: `Bulk Customer ${i}` });
    const total = seeded.length + 2_050;
    const listed = (await s.api.listAll("Customer")) as Json[];
    expect(listed).toHaveLength(total);
    expect(new Set(listed.map((c) => c.Id)).size).toBe(total);
    expect(listed.filter((c) => c.Active === false).map((c) => c.Id)).toEqual(
      seeded.filter((c) => c.Active === false).map((c) => c.Id),
    );
    const queries = s.realm.requestLog.filter((e) => e.path.includes("/query"));
    // COUNT, three counted pages, and the last (short) one ends it.
    expect(queries).toHaveLength(4);
    expect((await s.pull()).counts.Customer).toBe(total);
  });

  it("reconciles deletions when the connector could only query by LastUpdatedTime", async () => {
    const s = await setup();
    await s.pull();
    s.realm.advanceClock(2_000);
    const invoice = s.realm.create("Invoice", {
      CustomerRef: { value: "203" },
      TxnDate: "2026-02-01",
      DocNumber: "1003",
      Line: [
        {
          DetailType: "SalesItemLineDetail",
          Amount: 95,
          SalesItemLineDetail: { ItemRef: { value: "100" }, Qty: 1, UnitPrice: 95 },
        },
      ],
    });
    await s.pull();
    s.realm.advanceClock(2_000);
    await s.client.delete(
      "Invoice",
      { Id: String(invoice["Id"]), SyncToken: String(invoice["SyncToken"]) },
      { requestId: "del-inv" },
    );
    // A connector whose checkpoint it judged too old for CDC: it falls back to a LastUpdatedTime query.
    const querying: QboPullApi = {
      ...s.api,
      changesSince: (entities, since, now) =>
        s.api.changesSince(entities, new Date(since.getTime() - 31 * 24 * 3600_000), now),
    };
    const result = await s.pull({ api: querying });
    expect(result.mode).toBe("query");
    expect(result.changes).toEqual([{ entity: "Invoice", id: String(invoice["Id"]), operation: "delete" }]);
  });
});
