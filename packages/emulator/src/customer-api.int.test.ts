import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type EmulatorServer } from "@ledgerlink/emulator";

// The customer endpoints over real HTTP on loopback, as the connector will call them.
const emu = createEmulator();
let server: EmulatorServer;
let base: string;
const token = emu.issueAccessToken(emu.defaultRealmId);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, asserted field by field
type Json = Record<string, any>;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: "application/json",
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

beforeAll(async () => {
  server = await emu.listen({ port: 0 });
  base = `${server.url}/v3/company/${emu.defaultRealmId}`;
});
afterAll(() => server.close());

describe("customer endpoints over HTTP", () => {
  it("creates, reads and sparse-updates a customer with SyncToken concurrency", async () => {
    const created = await call("POST", "/customer?minorversion=75", {
      DisplayName: "Acme Plumbing",
      GivenName: "Ann",
    });
    expect(created.status).toBe(200);
    const c = created.body["Customer"];
    expect(c).toMatchObject({
      DisplayName: "Acme Plumbing",
      SyncToken: "0",
      domain: "QBO",
      sparse: false,
      Active: true,
    });
    expect(c.Id).toMatch(/^\d+$/);
    expect(c.MetaData.CreateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    expect(typeof created.body["time"]).toBe("string");

    const read = await call("GET", `/customer/${c.Id}?minorversion=75`);
    expect(read.body["Customer"]).toEqual(c);

    const updated = await call("POST", "/customer?operation=update", {
      Id: c.Id,
      SyncToken: "0",
      sparse: true,
      Notes: "vip",
    });
    expect(updated.body["Customer"]).toMatchObject({ SyncToken: "1", Notes: "vip", GivenName: "Ann" });

    const stale = await call("POST", "/customer", { Id: c.Id, SyncToken: "0", sparse: true, Notes: "late" });
    expect(stale.status).toBe(400);
    expect(stale.body["Fault"]).toMatchObject({
      type: "ValidationFault",
      Error: [{ code: "5010", Message: "Stale Object Error" }],
    });
  });

  it("a full update clears fields that were omitted", async () => {
    const c = (await call("POST", "/customer", { DisplayName: "Full Update Co", Notes: "keep?" })).body[
      "Customer"
    ];
    const full = await call("POST", "/customer", {
      Id: c.Id,
      SyncToken: c.SyncToken,
      DisplayName: "Full Update Co",
    });
    expect(full.body["Customer"].Notes).toBeUndefined();
  });

  it("refuses a DisplayName used by any customer, vendor or employee, active or not, ignoring case and spaces", async () => {
    const c = (await call("POST", "/customer", { DisplayName: "Bob  Smith" })).body["Customer"];
    const dup = await call("POST", "/customer", { DisplayName: "bob smith " });
    expect(dup.status).toBe(400);
    expect(dup.body["Fault"].Error[0]).toMatchObject({
      code: "6240",
      Message: "Duplicate Name Exists Error",
    });
    expect(dup.body["Fault"].Error[0].Detail).toContain(`Id=${c.Id}`);
    const vendorDup = await call("POST", "/vendor", { DisplayName: "BOB SMITH" });
    expect(vendorDup.body["Fault"].Error[0].code).toBe("6240");

    const inactive = await call("POST", "/customer", {
      Id: c.Id,
      SyncToken: c.SyncToken,
      sparse: true,
      Active: false,
    });
    expect(inactive.body["Customer"].DisplayName).toBe("Bob  Smith (deleted)");
    const stillDup = await call("POST", "/employee", { GivenName: "Bob", FamilyName: "Smith" });
    expect(stillDup.body["Fault"].Error[0].code).toBe("6240");

    // Writing back the record as read (with the suffix) reactivates it under its real name.
    const back = await call("POST", "/customer", {
      ...inactive.body["Customer"],
      Active: true,
      sparse: true,
    });
    expect(back.body["Customer"]).toMatchObject({ DisplayName: "Bob  Smith", Active: true });
  });

  it("refuses colons, tabs and newlines in names (2040) and over-long names (2050)", async () => {
    const colon = await call("POST", "/customer", { DisplayName: "A:B" });
    expect(colon.body["Fault"].Error[0]).toMatchObject({ code: "2040", element: "DisplayName" });
    const tab = await call("POST", "/customer", { DisplayName: "Ok", GivenName: "A\tB" });
    expect(tab.body["Fault"].Error[0]).toMatchObject({ code: "2040", element: "GivenName" });
    const long = await call("POST", "/customer", { DisplayName: "Ok2", Title: "x".repeat(17) });
    expect(long.body["Fault"].Error[0]).toMatchObject({ code: "2050", element: "Title" });
    expect(long.body["Fault"].Error[0].Detail).toContain("Max:16");
  });

  it("builds sub-customers: Job, ParentRef, Level and Parent:Child names, at most 4 levels", async () => {
    let parent = (await call("POST", "/customer", { DisplayName: "Level0" })).body["Customer"];
    for (let level = 1; level <= 4; level++) {
      const child = await call("POST", "/customer", {
        DisplayName: `Level${level}`,
        Job: true,
        ParentRef: { value: parent.Id },
      });
      expect(child.status).toBe(200);
      expect(child.body["Customer"]).toMatchObject({
        Job: true,
        Level: level,
        ParentRef: { value: parent.Id },
      });
      parent = child.body["Customer"];
    }
    expect(parent.FullyQualifiedName).toBe("Level0:Level1:Level2:Level3:Level4");
    const tooDeep = await call("POST", "/customer", {
      DisplayName: "Level5",
      ParentRef: { value: parent.Id },
    });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body["Fault"].Error[0].code).toBe("6000");
    const missing = await call("POST", "/customer", { DisplayName: "Orphan", ParentRef: { value: "99999" } });
    expect(missing.body["Fault"].Error[0].code).toBe("610");
  });

  it("finds names with apostrophes through a real parser, by GET and POST application/text", async () => {
    await call("POST", "/customer", { DisplayName: "O'Brien" });
    const q = "select * from Customer where DisplayName = 'O\\'Brien'";
    const got = await call("GET", `/query?query=${encodeURIComponent(q)}&minorversion=75`);
    expect(got.body["QueryResponse"]).toMatchObject({
      startPosition: 1,
      maxResults: 1,
      Customer: [{ DisplayName: "O'Brien" }],
    });
    const res = await fetch(`${base}/query`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/text",
        accept: "application/json",
      },
      body: "SELECT COUNT(*) FROM customer WHERE DisplayName LIKE '%brien'",
    });
    expect(await res.json()).toMatchObject({ QueryResponse: { totalCount: 1 } });
    const none = await call(
      "GET",
      `/query?query=${encodeURIComponent("select * from Customer where DisplayName = 'Nobody'")}`,
    );
    expect(none.body["QueryResponse"]).toEqual({});
    const bad = await call(
      "GET",
      `/query?query=${encodeURIComponent("select * from Customer where DisplayName = ’x’")}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body["Fault"].Error[0].code).toBe("4001");
  });

  it("replays a requestid instead of writing twice", async () => {
    const first = await call("POST", "/customer?requestid=abc-123", { DisplayName: "Idempotent Ltd" });
    const again = await call("POST", "/customer?requestid=abc-123", { DisplayName: "Idempotent Ltd" });
    expect(again).toEqual(first);
    const count = await call(
      "GET",
      `/query?query=${encodeURIComponent("select count(*) from Customer where DisplayName = 'Idempotent Ltd'")}`,
    );
    expect(count.body["QueryResponse"].totalCount).toBe(1);
    expect(emu.realm(emu.defaultRealmId).requestLog.filter((r) => r.requestid === "abc-123")).toHaveLength(2);
  });

  it("requires a valid bearer token, with QBO's lower-case 401 fault", async () => {
    const res = await fetch(`${base}/customer/1`, {
      headers: { authorization: "Bearer nope", accept: "application/json" },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      fault: {
        type: "AUTHENTICATION",
        error: [{ code: "3200", message: "message=AuthenticationFailed; errorCode=003200; statusCode=401" }],
      },
    });
    const other = emu.createRealm();
    const wrongRealm = await fetch(`${server.url}/v3/company/${other.id}/customer/1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(wrongRealm.status).toBe(403);
    expect(await wrongRealm.json()).toMatchObject({ fault: { error: [{ code: "3100" }] } });
  });
});
