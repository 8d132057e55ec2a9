import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type QuickBooksModule from "node-quickbooks";
import { createEmulator, type EmulatorServer } from "@ledgerlink/emulator";

// node-quickbooks, unmodified: only its documented endpoint statics are pointed at the emulator.
// It is CommonJS whose typings say `export default`; require() gives exactly what its users get.
type QuickBooksClass = typeof QuickBooksModule.default;
type QuickBooks = InstanceType<QuickBooksClass>;
const QuickBooks = createRequire(import.meta.url)("node-quickbooks") as QuickBooksClass;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON from a JS client, asserted field by field
type Json = any;

interface Outcome {
  err: Json;
  data: Json;
  /** The axios response: status and the raw body, faults included. */
  res: Json;
}

/** Runs a node-quickbooks callback method and resolves with all three callback arguments. */
function run(start: (cb: (err: Json, data: Json, res: Json) => void) => void): Promise<Outcome> {
  return new Promise((resolve) => start((err, data, res) => resolve({ err, data, res })));
}

/** The first QBO error of a failed call, from the response body as the client received it. */
function fault(o: Outcome): Json {
  expect(o.err).toBeTruthy();
  // Entity calls hand back the axios response; queries reject with the axios error.
  return (o.res?.data ?? o.err?.response?.data ?? o.err)?.Fault?.Error?.[0];
}

const emu = createEmulator();
let server: EmulatorServer;
let qbo: QuickBooks;
const realmId = emu.defaultRealmId;

function client(accessToken: string, refreshToken?: string): QuickBooks {
  return new QuickBooks(
    emu.defaultApp.clientId,
    emu.defaultApp.clientSecret,
    accessToken,
    false,
    realmId,
    true,
    false,
    "75",
    "2.0",
    refreshToken,
  );
}

beforeAll(async () => {
  server = await emu.listen({ port: 0 });
  QuickBooks.V3_ENDPOINT_BASE_URL = `${server.url}/v3/company/`;
  QuickBooks.TOKEN_URL = `${server.url}/oauth2/v1/tokens/bearer`;
  QuickBooks.REVOKE_URL = `${server.url}/v2/oauth2/tokens/revoke`;
  qbo = client(emu.issueAccessToken(realmId));
});
afterAll(() => server.close());

describe("node-quickbooks against the emulator", () => {
  it("creates, reads and sparse-updates a customer; a stale SyncToken is 5010", async () => {
    const created = await run((cb) =>
      qbo.createCustomer({ DisplayName: "Kickserv Plumbing", GivenName: "Kim" }, cb),
    );
    expect(created.err).toBeNull();
    expect(created.data).toMatchObject({ DisplayName: "Kickserv Plumbing", SyncToken: "0" });
    const read = await run((cb) => qbo.getCustomer(created.data.Id, cb));
    expect(read.data).toMatchObject({ Id: created.data.Id, GivenName: "Kim" });
    const updated = await run((cb) =>
      qbo.updateCustomer({ Id: created.data.Id, SyncToken: "0", Notes: "gate 4" }, cb),
    );
    expect(updated.data).toMatchObject({ SyncToken: "1", Notes: "gate 4", GivenName: "Kim" });
    const stale = await run((cb) =>
      qbo.updateCustomer({ Id: created.data.Id, SyncToken: "0", Notes: "late" }, cb),
    );
    expect(stale.res.status).toBe(400);
    expect(fault(stale)).toMatchObject({ code: "5010", Message: "Stale Object Error" });
    // The request log shows what the client sent: minorversion and format on every call.
    expect(emu.realm(realmId).requestLog.at(-1)!.path).toMatch(/minorversion=75/);
  });

  it("queries names with apostrophes, counts, and pages with its own maxresults 1000", async () => {
    await run((cb) => qbo.createCustomer({ DisplayName: "O'Brien's Plumbing" }, cb));
    const found = await run((cb) =>
      qbo.findCustomers([{ field: "DisplayName", value: "O'Brien's Plumbing", operator: "=" }], cb),
    );
    expect(found.err).toBeNull();
    expect(found.data.QueryResponse.Customer.map((c: Json) => c.DisplayName)).toEqual(["O'Brien's Plumbing"]);
    const like = await run((cb) =>
      qbo.findCustomers([{ field: "DisplayName", value: "%Brien%", operator: "LIKE" }], cb),
    );
    expect(like.data.QueryResponse.Customer).toHaveLength(1);
    const count = await run((cb) => qbo.findCustomers({ count: true }, cb));
    expect(count.data.QueryResponse.totalCount).toBeGreaterThanOrEqual(2);
    const all = await run((cb) => qbo.findCustomers({ fetchAll: true }, cb));
    expect(all.data.QueryResponse.startPosition).toBe(1);
    // node-quickbooks also takes a raw WHERE string (its typings omit that form).
    const raw = qbo as unknown as { findCustomers(criteria: string, cb: unknown): void };
    const bad = await run((cb) => raw.findCustomers("where DisplayName = ’curly’", cb));
    expect(fault(bad)).toMatchObject({ code: "4001" });
  });

  it("runs a batch with per-item results and faults", async () => {
    const res = await run((cb) =>
      qbo.batch(
        [
          { bId: "b1", operation: "create", Customer: { DisplayName: "Batch Person" } },
          { bId: "b2", operation: "create", Customer: { DisplayName: "Kickserv Plumbing" } },
          {
            bId: "b3",
            operation: "query",
            Query: "select * from Customer where DisplayName = 'O\\'Brien\\'s Plumbing'",
          },
        ],
        cb,
      ),
    );
    expect(res.err).toBeNull();
    const items = Object.fromEntries(res.data.BatchItemResponse.map((r: Json) => [r.bId, r]));
    expect(items.b1.Customer.DisplayName).toBe("Batch Person");
    expect(items.b2.Fault.Error[0].code).toBe("6240");
    expect(items.b3.QueryResponse.Customer[0].DisplayName).toBe("O'Brien's Plumbing");
  });

  it("creates, voids and deletes invoices, applies payments, and reports it all through CDC", async () => {
    const since = new Date(emu.realm(realmId).now().getTime() - 1000);
    const customer = (await run((cb) => qbo.createCustomer({ DisplayName: "CDC Customer" }, cb))).data;
    const item = (await run((cb) => qbo.findItems({ Name: "Services" }, cb))).data.QueryResponse.Item[0];
    const line = {
      Amount: 120.5,
      DetailType: "SalesItemLineDetail",
      SalesItemLineDetail: { ItemRef: { value: item.Id } },
    };
    const inv = (
      await run((cb) => qbo.createInvoice({ CustomerRef: { value: customer.Id }, Line: [line] }, cb))
    ).data;
    expect(inv).toMatchObject({ TotalAmt: 120.5, Balance: 120.5 });
    const payment = await run((cb) =>
      qbo.createPayment(
        {
          CustomerRef: { value: customer.Id },
          TotalAmt: 20.5,
          Line: [{ Amount: 20.5, LinkedTxn: [{ TxnId: inv.Id, TxnType: "Invoice" }] }],
        },
        cb,
      ),
    );
    expect(payment.err).toBeNull();
    expect((await run((cb) => qbo.getInvoice(inv.Id, cb))).data.Balance).toBe(100);
    const toVoid = (
      await run((cb) => qbo.createInvoice({ CustomerRef: { value: customer.Id }, Line: [line] }, cb))
    ).data;
    const voided = await run((cb) => qbo.voidInvoice(toVoid.Id, cb));
    expect(voided.err).toBeNull();
    const toDelete = (
      await run((cb) => qbo.createInvoice({ CustomerRef: { value: customer.Id }, Line: [line] }, cb))
    ).data;
    const deleted = await run((cb) => qbo.deleteInvoice(toDelete.Id, cb));
    expect(deleted.err).toBeNull();

    const cdc = await run((cb) => qbo.changeDataCapture(["Customer", "Invoice", "Payment"], since, cb));
    expect(cdc.err).toBeNull();
    const [customers, invoices, payments] = cdc.data.CDCResponse[0].QueryResponse;
    expect(customers.Customer.map((c: Json) => c.Id)).toContain(customer.Id);
    const byId = Object.fromEntries(invoices.Invoice.map((i: Json) => [i.Id, i]));
    expect(byId[inv.Id]).toMatchObject({ Balance: 100 });
    expect(byId[toVoid.Id]).toMatchObject({ TotalAmt: 0, PrivateNote: "Voided" });
    expect(byId[toDelete.Id]).toMatchObject({ status: "Deleted" });
    expect(payments.Payment).toHaveLength(1);
  });

  it("gets each validation fault with QBO's code, element and shape", async () => {
    const item = (await run((cb) => qbo.findItems({ Name: "Services" }, cb))).data.QueryResponse.Item[0];
    const customer = (await run((cb) => qbo.createCustomer({ DisplayName: "Fault Finder" }, cb))).data;
    const line = {
      Amount: 10,
      DetailType: "SalesItemLineDetail",
      SalesItemLineDetail: { ItemRef: { value: item.Id } },
    };

    const dupName = await run((cb) => qbo.createVendor({ DisplayName: "fault finder" }, cb));
    expect(dupName.res.data.Fault.type).toBe("ValidationFault");
    expect(fault(dupName)).toMatchObject({ code: "6240", Message: "Duplicate Name Exists Error" });

    const colon = await run((cb) => qbo.createCustomer({ DisplayName: "Parent:Child" }, cb));
    expect(fault(colon)).toMatchObject({ code: "2040", element: "DisplayName" });

    const missing = await run((cb) => qbo.createInvoice({ Line: [line] }, cb));
    expect(fault(missing)).toMatchObject({ code: "2020", element: "CustomerRef" });

    const long = await run((cb) =>
      qbo.createInvoice({ CustomerRef: { value: customer.Id }, DocNumber: "X".repeat(25), Line: [line] }, cb),
    );
    expect(fault(long)).toMatchObject({ code: "2050", element: "DocNumber" });

    await run((cb) =>
      qbo.createInvoice({ CustomerRef: { value: customer.Id }, DocNumber: "D-1", Line: [line] }, cb),
    );
    const dupDoc = await run((cb) =>
      qbo.createInvoice({ CustomerRef: { value: customer.Id }, DocNumber: "D-1", Line: [line] }, cb),
    );
    expect(fault(dupDoc)).toMatchObject({ code: "6140" });
    const allowed = await run((cb) =>
      qbo.createInvoice(
        { CustomerRef: { value: customer.Id }, DocNumber: "D-1", Line: [line], allowDuplicateDocNum: true },
        cb,
      ),
    );
    expect(allowed.err).toBeNull();

    emu.realm(realmId).setClosingDate("2020-12-31");
    const closed = await run((cb) =>
      qbo.createInvoice({ CustomerRef: { value: customer.Id }, TxnDate: "2020-06-30", Line: [line] }, cb),
    );
    expect(fault(closed)).toMatchObject({ code: "6210" });
    emu.realm(realmId).setClosingDate(null);

    const inactive = (await run((cb) => qbo.createCustomer({ DisplayName: "Inactive Ida" }, cb))).data;
    const gone = await run((cb) =>
      qbo.updateCustomer({ Id: inactive.Id, SyncToken: inactive.SyncToken, Active: false }, cb),
    );
    expect(gone.data.DisplayName).toBe("Inactive Ida (deleted)");
    const refInactive = await run((cb) =>
      qbo.createInvoice({ CustomerRef: { value: inactive.Id }, Line: [line] }, cb),
    );
    expect(fault(refInactive)).toMatchObject({ code: "610", Message: "Object Not Found" });
  });

  it("gets QBO's lower-case 401 for a bad token and 429 when throttled", async () => {
    const stranger = client("not-a-token");
    const denied = await run((cb) => stranger.getCustomer("1", cb));
    expect(denied.res.status).toBe(401);
    expect(denied.res.data).toMatchObject({ fault: { type: "AUTHENTICATION", error: [{ code: "3200" }] } });

    emu.realm(realmId).injectFault({ kind: "429", times: 1 });
    const throttled = await run((cb) => qbo.getPreferences(cb));
    expect(throttled.res.status).toBe(429);
    expect(fault(throttled)).toMatchObject({ code: "3001" });
    const info = await run((cb) => qbo.getCompanyInfo(realmId, cb));
    expect(info.data.CompanyName).toBe("Ledgerlink Demo Company");
  });

  it("refreshes its access token and revokes access through the OAuth endpoints", async () => {
    const pair = emu.issueTokens(realmId);
    const c = client(pair.access_token, pair.refresh_token);
    const refreshed = await run((cb) => c.refreshAccessToken(cb));
    expect(refreshed.err).toBeNull();
    expect(refreshed.data.refresh_token).not.toBe(pair.refresh_token);
    expect((await run((cb) => c.getPreferences(cb))).err).toBeNull();
    // revokeAccess calls back with (err, axiosResponse, body).
    const revoked = await run((cb) => c.revokeAccess(true, cb));
    expect(revoked.err).toBeNull();
    expect(revoked.data.status).toBe(200);
    const after = client(refreshed.data.access_token);
    expect((await run((cb) => after.getPreferences(cb))).res.status).toBe(401);
  });
});
