import { describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "@ledgerlink/emulator";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, asserted field by field
type Json = Record<string, any>;

/** Calls the emulator in-process (no socket) the way a QBO client would. */
function api(emu: Emulator, realmId = emu.defaultRealmId) {
  const token = emu.issueAccessToken(realmId);
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await emu.fetch(
      new Request(`http://emulator/v3/company/${realmId}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      }),
    );
    return { status: res.status, body: (await res.json()) as Json };
  };
}

async function setup(emu = createEmulator()) {
  const call = api(emu);
  const customer = (await call("POST", "/customer", { DisplayName: "Harbor Dental" })).body["Customer"];
  const item = (
    await call("GET", "/query?query=" + encodeURIComponent("select * from Item where Name = 'Services'"))
  ).body["QueryResponse"]["Item"][0];
  return { emu, call, customer, item };
}

const line = (itemId: string, qty: number, price: number, extra: Json = {}) => ({
  DetailType: "SalesItemLineDetail",
  SalesItemLineDetail: { ItemRef: { value: itemId }, Qty: qty, UnitPrice: price },
  ...extra,
});

describe("invoices", () => {
  it("computes Amount, subtotal, TotalAmt and Balance in exact decimals", async () => {
    const { call, customer, item } = await setup();
    const res = await call("POST", "/invoice", {
      CustomerRef: { value: customer.Id },
      Line: [
        line(item.Id, 3, 0.1),
        line(item.Id, 1, 0.2),
        { DetailType: "DiscountLineDetail", Amount: 0.05, DiscountLineDetail: {} },
      ],
    });
    expect(res.status).toBe(200);
    const inv = res.body["Invoice"];
    expect(inv.Line.map((l: Json) => l.Amount)).toEqual([0.3, 0.2, 0.05, 0.5]);
    expect(inv.Line[3].DetailType).toBe("SubTotalLineDetail");
    expect(inv).toMatchObject({
      TotalAmt: 0.45,
      Balance: 0.45,
      CustomerRef: { value: customer.Id, name: "Harbor Dental" },
    });
    expect(inv.TxnDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // QBO numbers invoices itself when CustomTxnNumbers is off (the default).
    expect(inv.DocNumber).toBe("1001");
    const cust = (await call("GET", `/customer/${customer.Id}`)).body["Customer"];
    expect(cust.Balance).toBe(0.45);
  });

  it("refuses Amount ≠ Qty × UnitPrice (6070), a missing CustomerRef (2020) and an empty Line (2020)", async () => {
    const { call, customer, item } = await setup();
    const mismatch = await call("POST", "/invoice", {
      CustomerRef: { value: customer.Id },
      Line: [line(item.Id, 2, 10, { Amount: 25 })],
    });
    expect(mismatch.body["Fault"].Error[0].code).toBe("6070");
    const noCustomer = await call("POST", "/invoice", { Line: [line(item.Id, 1, 1)] });
    expect(noCustomer.body["Fault"].Error[0]).toMatchObject({ code: "2020", element: "CustomerRef" });
    const noLines = await call("POST", "/invoice", { CustomerRef: { value: customer.Id }, Line: [] });
    expect(noLines.body["Fault"].Error[0]).toMatchObject({ code: "2020", element: "Line" });
  });

  it("enforces DocNumber length 21 (2050) and uniqueness across invoices and credit memos (6140) unless allowed", async () => {
    const { call, customer, item } = await setup();
    const base = { CustomerRef: { value: customer.Id }, Line: [line(item.Id, 1, 5)] };
    const long = await call("POST", "/invoice", { ...base, DocNumber: "INV-2024-000000000000025" });
    expect(long.body["Fault"].Error[0]).toMatchObject({ code: "2050", element: "DocNumber" });
    expect(long.body["Fault"].Error[0].Detail).toContain("Max:21");
    const first = (await call("POST", "/invoice", { ...base, DocNumber: "A-77" })).body["Invoice"];
    const dupInv = await call("POST", "/invoice", { ...base, DocNumber: "A-77" });
    expect(dupInv.body["Fault"].Error[0].code).toBe("6140");
    expect(dupInv.body["Fault"].Error[0].Detail).toContain(`TxnType=Invoice with TxnId=${first.Id}`);
    const dupMemo = await call("POST", "/creditmemo", { ...base, DocNumber: "A-77" });
    expect(dupMemo.body["Fault"].Error[0].code).toBe("6140");
    const allowed = await call("POST", "/invoice?include=allowduplicatedocnum", {
      ...base,
      DocNumber: "A-77",
    });
    expect(allowed.status).toBe(200);
  });

  it("refuses transactions in a closed period (6210) and references to inactive records (610)", async () => {
    const { emu, call, customer, item } = await setup();
    emu.realm(emu.defaultRealmId).setClosingDate("2025-12-31");
    const closed = await call("POST", "/invoice", {
      CustomerRef: { value: customer.Id },
      TxnDate: "2025-12-31",
      Line: [line(item.Id, 1, 5)],
    });
    expect(closed.body["Fault"].Error[0].code).toBe("6210");
    const open = await call("POST", "/invoice", {
      CustomerRef: { value: customer.Id },
      TxnDate: "2026-01-01",
      Line: [line(item.Id, 1, 5)],
    });
    expect(open.status).toBe(200);

    const gone = (await call("POST", "/customer", { DisplayName: "Gone Co" })).body["Customer"];
    await call("POST", "/customer", { Id: gone.Id, SyncToken: gone.SyncToken, sparse: true, Active: false });
    const toInactive = await call("POST", "/invoice", {
      CustomerRef: { value: gone.Id },
      Line: [line(item.Id, 1, 5)],
    });
    expect(toInactive.body["Fault"].Error[0].code).toBe("610");
    const oldItem = (await call("POST", "/item", { Name: "Old Part", Type: "NonInventory" })).body["Item"];
    await call("POST", "/item", {
      Id: oldItem.Id,
      SyncToken: oldItem.SyncToken,
      sparse: true,
      Active: false,
    });
    const toInactiveItem = await call("POST", "/invoice", {
      CustomerRef: { value: customer.Id },
      Line: [line(oldItem.Id, 1, 5)],
    });
    expect(toInactiveItem.body["Fault"].Error[0].code).toBe("610");
  });

  it("reduces Balance by linked payments, links both ways, and refuses overpaying an invoice", async () => {
    const { call, customer, item } = await setup();
    const inv = (
      await call("POST", "/invoice", { CustomerRef: { value: customer.Id }, Line: [line(item.Id, 2, 50.25)] })
    ).body["Invoice"];
    expect(inv.TotalAmt).toBe(100.5);
    const pay = await call("POST", "/payment", {
      CustomerRef: { value: customer.Id },
      TotalAmt: 60,
      Line: [{ Amount: 40.2, LinkedTxn: [{ TxnId: inv.Id, TxnType: "Invoice" }] }],
    });
    expect(pay.status).toBe(200);
    expect(pay.body["Payment"]).toMatchObject({
      TotalAmt: 60,
      UnappliedAmt: 19.8,
      DepositToAccountRef: { name: "Undeposited Funds" },
    });
    const after = (await call("GET", `/invoice/${inv.Id}`)).body["Invoice"];
    expect(after).toMatchObject({
      Balance: 60.3,
      SyncToken: "1",
      LinkedTxn: [{ TxnId: pay.body["Payment"].Id, TxnType: "Payment" }],
    });
    const over = await call("POST", "/payment", {
      CustomerRef: { value: customer.Id },
      TotalAmt: 70,
      Line: [{ Amount: 70, LinkedTxn: [{ TxnId: inv.Id, TxnType: "Invoice" }] }],
    });
    expect(over.body["Fault"].Error[0].code).toBe("6000");
    const deleteInvoice = await call("POST", "/invoice?operation=delete", {
      Id: inv.Id,
      SyncToken: after.SyncToken,
    });
    expect(deleteInvoice.body["Fault"].Error[0].code).toBe("6000");

    const del = await call("POST", "/payment?operation=delete", {
      Id: pay.body["Payment"].Id,
      SyncToken: "0",
    });
    expect(del.body["Payment"]).toMatchObject({ status: "Deleted" });
    expect((await call("GET", `/invoice/${inv.Id}`)).body["Invoice"]).toMatchObject({
      Balance: 100.5,
      LinkedTxn: [],
    });
  });

  it("voids an invoice to zero and deletes with a tombstone that CDC reports", async () => {
    const { call, customer, item } = await setup();
    const since = new Date(Date.now() - 60_000).toISOString();
    const a = (
      await call("POST", "/invoice", { CustomerRef: { value: customer.Id }, Line: [line(item.Id, 1, 9)] })
    ).body["Invoice"];
    const voided = await call("POST", "/invoice?operation=void", { Id: a.Id, SyncToken: a.SyncToken });
    expect(voided.body["Invoice"]).toMatchObject({
      TotalAmt: 0,
      Balance: 0,
      PrivateNote: "Voided",
      SyncToken: "1",
    });
    const b = (
      await call("POST", "/invoice", { CustomerRef: { value: customer.Id }, Line: [line(item.Id, 1, 9)] })
    ).body["Invoice"];
    await call("POST", "/invoice?operation=delete", { Id: b.Id, SyncToken: b.SyncToken });
    const changes = await call(
      "GET",
      `/cdc?entities=Invoice,Customer&changedSince=${encodeURIComponent(since)}`,
    );
    const [invoices, customers] = changes.body["CDCResponse"][0].QueryResponse;
    expect(invoices.Invoice.map((i: Json) => [i.Id, i.status])).toEqual([
      [a.Id, undefined],
      [b.Id, "Deleted"],
    ]);
    expect(customers.Customer.map((c: Json) => c.Id)).toEqual([customer.Id]);
    const tooOld = await call(
      "GET",
      `/cdc?entities=Invoice&changedSince=${encodeURIComponent(new Date(Date.now() - 31 * 86_400_000).toISOString())}`,
    );
    expect(tooOld.status).toBe(400);
    const deleteCustomer = await call("POST", "/customer?operation=delete", {
      Id: customer.Id,
      SyncToken: "0",
    });
    expect(deleteCustomer.status).toBe(400);
  });
});

describe("items and accounts", () => {
  it("requires an income account for services, unique names, and no colons", async () => {
    const { call } = await setup();
    const noAccount = await call("POST", "/item", { Name: "Install", Type: "Service" });
    expect(noAccount.body["Fault"].Error[0]).toMatchObject({ code: "2020", element: "IncomeAccountRef" });
    const dup = await call("POST", "/item", { Name: "services", Type: "NonInventory" });
    expect(dup.body["Fault"].Error[0].code).toBe("6240");
    const colon = await call("POST", "/item", { Name: "Pipes:Copper", Type: "NonInventory" });
    expect(colon.body["Fault"].Error[0].code).toBe("2040");
    const parent = (await call("POST", "/account", { Name: "Vehicles", AccountType: "Fixed Asset" })).body[
      "Account"
    ];
    const sub = (
      await call("POST", "/account", {
        Name: "Van",
        AccountType: "Fixed Asset",
        ParentRef: { value: parent.Id },
      })
    ).body["Account"];
    expect(sub).toMatchObject({
      FullyQualifiedName: "Vehicles:Van",
      SubAccount: true,
      Classification: "Asset",
    });
    const quote = await call("POST", "/account", { Name: 'The "Best"', AccountType: "Income" });
    expect(quote.body["Fault"].Error[0].code).toBe("2040");
  });
});

describe("batch", () => {
  it("runs ≤30 independent items with per-item faults under HTTP 200", async () => {
    const { call } = await setup();
    const res = await call("POST", "/batch", {
      BatchItemRequest: [
        { bId: "1", operation: "create", Customer: { DisplayName: "Batch One" } },
        { bId: "2", operation: "create", Customer: { DisplayName: "Harbor Dental" } },
        { bId: "3", Query: "select count(*) from Customer" },
        {
          bId: "4",
          operation: "create",
          Customer: { DisplayName: "Batch Child", ParentRef: { value: "999" } },
        },
      ],
    });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body["BatchItemResponse"].map((r: Json) => [r.bId, r]));
    expect(byId["1"].Customer.DisplayName).toBe("Batch One");
    expect(byId["2"].Fault).toMatchObject({ type: "ValidationFault", Error: [{ code: "6240" }] });
    expect(byId["3"].QueryResponse.totalCount).toBe(2);
    expect(byId["4"].Fault.Error[0].code).toBe("610");

    const tooMany = await call("POST", "/batch", {
      BatchItemRequest: Array.from({ length: 31 }, (_, i) => ({
        bId: String(i),
        Query: "select * from Customer",
      })),
    });
    expect(tooMany.status).toBe(400);
  });

  it("hides records created in the batch from its other items", async () => {
    const { call, item } = await setup();
    const created = await call("POST", "/batch", {
      BatchItemRequest: [{ bId: "a", operation: "create", Customer: { DisplayName: "Fresh" } }],
    });
    const freshId = created.body["BatchItemResponse"][0].Customer.Id;
    const nextId = String(Number(freshId) + 1);
    const res = await call("POST", "/batch", {
      BatchItemRequest: [
        { bId: "c", operation: "create", Customer: { DisplayName: "Newer" } },
        {
          bId: "i",
          operation: "create",
          Invoice: { CustomerRef: { value: nextId }, Line: [line(item.Id, 1, 1)] },
        },
      ],
    });
    expect(res.body["BatchItemResponse"][0].Customer.Id).toBe(nextId);
    expect(res.body["BatchItemResponse"][1].Fault.Error[0].code).toBe("610");
  });
});

describe("limits and faults", () => {
  it("throttles per realm per emulated minute with 429 and recovers when the window passes", async () => {
    let now = Date.parse("2026-03-01T00:00:00Z");
    const emu = createEmulator({ limits: { requestsPerMinute: 3 }, now: () => new Date(now) });
    const call = api(emu);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call("GET", "/companyinfo/" + emu.defaultRealmId)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const throttled = await call("GET", "/preferences");
    expect(throttled.body["Fault"].Error[0]).toMatchObject({ code: "3001" });
    now += 60_001;
    expect((await call("GET", "/preferences")).status).toBe(200);
  });

  it("shrinks the throttle window with timeScale", async () => {
    let now = Date.parse("2026-03-01T00:00:00Z");
    const emu = createEmulator({ limits: { requestsPerMinute: 1 }, timeScale: 60, now: () => new Date(now) });
    const call = api(emu);
    expect((await call("GET", "/preferences")).status).toBe(200);
    expect((await call("GET", "/preferences")).status).toBe(429);
    now += 1001; // a real second is an emulated minute
    expect((await call("GET", "/preferences")).status).toBe(200);
  });

  it("injects faults by schedule and probability, and drops connections", async () => {
    const emu = createEmulator({ random: () => 0.5 });
    const call = api(emu);
    const realm = emu.realm(emu.defaultRealmId);
    realm.injectFault({ kind: "503", after: 1, times: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call("GET", "/preferences")).status);
    expect(statuses).toEqual([200, 503, 503, 200]);
    realm.injectFault({ kind: "500", probability: 0.6 });
    expect((await call("GET", "/preferences")).body["Fault"].Error[0].code).toBe("10000");
    realm.clearFaults();
    realm.injectFault({ kind: "drop", times: 1 });
    await expect(call("GET", "/preferences")).rejects.toThrow(/connection dropped/);
    realm.injectFault({ kind: "revoke-token", times: 1 });
    expect((await call("GET", "/preferences")).status).toBe(401);
    expect((await call("GET", "/preferences")).status).toBe(401);
  });

  it("gives singletons: Preferences (CustomTxnNumbers) and CompanyInfo by realm id", async () => {
    const { emu, call, customer, item } = await setup();
    const info = await call("GET", `/companyinfo/${emu.defaultRealmId}`);
    expect(info.body["CompanyInfo"].CompanyName).toBe("Ledgerlink Demo Company");
    emu.realm(emu.defaultRealmId).setPreferences({ SalesFormsPrefs: { CustomTxnNumbers: true } });
    const prefs = await call("GET", "/preferences");
    expect(prefs.body["Preferences"].SalesFormsPrefs.CustomTxnNumbers).toBe(true);
    const inv = await call("POST", "/invoice", {
      CustomerRef: { value: customer.Id },
      Line: [line(item.Id, 1, 1)],
    });
    expect(inv.body["Invoice"].DocNumber).toBeUndefined();
  });
});
