import { describe, expect, it } from "vitest";
import type { QboClient } from "./qbo-client.js";
import { createQboClient } from "./qbo-client.js";
import { QBO_MINOR_VERSION } from "./minor-version.js";
import { QboAuthError, QboFaultError, QboInputError, QboNetworkError } from "./qbo-error.js";
import { select } from "./query-builder.js";

interface Seen {
  method: string;
  url: URL;
  auth: string | null;
  body: string | undefined;
}

/** An in-process stand-in for QBO: answers each call from a script and records what it got. */
function scripted(answers: ((seen: Seen) => Response | Promise<Response>)[]) {
  const seen: Seen[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const s: Seen = {
      method: init?.method ?? "GET",
      url: new URL(String(input)),
      auth: headers.get("authorization"),
      body: typeof init?.body === "string" ? init.body : undefined,
    };
    seen.push(s);
    const answer = answers.shift();
    if (!answer) throw new Error("no more scripted answers");
    return answer(s);
  };
  return { fetch, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

function client(
  fetch: typeof globalThis.fetch,
  extra: Partial<ConstructorParameters<typeof QboClient>[0]> = {},
) {
  const tokens: { forceRefresh: boolean }[] = [];
  const sleeps: number[] = [];
  const c = createQboClient({
    baseUrl: "https://qbo.test/",
    realmId: "9130",
    getAccessToken: async (o) => {
      tokens.push({ forceRefresh: o?.forceRefresh ?? false });
      return `tok${tokens.length}`;
    },
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    retry: { random: () => 0.5 },
    ...extra,
  });
  return { c, tokens, sleeps };
}

describe("QboClient", () => {
  it("creates a customer with requestid and the pinned minorversion", async () => {
    const { fetch, seen } = scripted([
      () => json(200, { Customer: { Id: "67", SyncToken: "0", DisplayName: "A" }, time: "t" }),
    ]);
    const { c } = client(fetch);
    const saved = await c.createCustomer({ DisplayName: "A" }, { requestId: "req-1" });
    expect(saved).toMatchObject({ Id: "67", SyncToken: "0" });
    const s = seen[0]!;
    expect(s.method).toBe("POST");
    expect(s.url.pathname).toBe("/v3/company/9130/customer");
    expect(s.url.searchParams.get("requestid")).toBe("req-1");
    expect(s.url.searchParams.get("minorversion")).toBe(String(QBO_MINOR_VERSION));
    expect(s.auth).toBe("Bearer tok1");
    expect(JSON.parse(s.body!)).toEqual({ DisplayName: "A" });
  });

  it("sends updates sparse with Id and SyncToken, and refuses one without SyncToken", async () => {
    const { fetch, seen } = scripted([() => json(200, { Customer: { Id: "67", SyncToken: "1" } })]);
    const { c } = client(fetch);
    await c.updateCustomer({ Id: "67", SyncToken: "0", Notes: "n" }, { requestId: "r" });
    expect(JSON.parse(seen[0]!.body!)).toEqual({ Id: "67", SyncToken: "0", Notes: "n", sparse: true });
    await expect(c.updateCustomer({ Id: "67", Notes: "n" }, { requestId: "r" })).rejects.toMatchObject({
      name: "QboInputError",
      element: "SyncToken",
    });
    await expect(
      c.createCustomer({ DisplayName: "x" }, { requestId: "x".repeat(51) }),
    ).rejects.toBeInstanceOf(QboInputError);
  });

  it("encodes the escaped query and pages until a short page", async () => {
    const page = (n: number, from: number) => ({
      QueryResponse: {
        Customer: Array.from({ length: n }, (_, i) => ({ Id: String(from + i) })),
        startPosition: from,
        maxResults: n,
      },
    });
    const { fetch, seen } = scripted([
      () => json(200, page(2, 1)),
      () => json(200, page(2, 3)),
      () => json(200, { QueryResponse: {} }),
    ]);
    const { c } = client(fetch);
    const all = await c.queryAll(select("Customer").where("DisplayName", "=", "O'Brien's"), 2);
    expect(all.map((r) => r.Id)).toEqual(["1", "2", "3", "4"]);
    expect(seen.map((s) => s.url.searchParams.get("query"))).toEqual([
      "SELECT * FROM Customer WHERE DisplayName = 'O\\'Brien\\'s' STARTPOSITION 1 MAXRESULTS 2",
      "SELECT * FROM Customer WHERE DisplayName = 'O\\'Brien\\'s' STARTPOSITION 3 MAXRESULTS 2",
      "SELECT * FROM Customer WHERE DisplayName = 'O\\'Brien\\'s' STARTPOSITION 5 MAXRESULTS 2",
    ]);
    // Spaces travel as %20 (not "+"), the escaping backslash as %5C before the quote.
    expect(seen[0]!.url.search).toContain("DisplayName%20%3D%20%27O%5C%27Brien%5C%27s%27");
  });

  it("retries 503 and 429 with the policy's delays, then succeeds", async () => {
    const { fetch, seen } = scripted([
      () => new Response("unavailable", { status: 503 }),
      () => new Response("", { status: 429, headers: { "retry-after": "3" } }),
      () => json(200, { Customer: { Id: "1", SyncToken: "0" } }),
    ]);
    const { c, sleeps } = client(fetch);
    await c.read("Customer", "1");
    expect(seen).toHaveLength(3);
    // 503 after attempt 1: base 500 → 250 + 0.5 × 250; 429: Retry-After 3 s + jitter 0.5 × min(1000, 301).
    expect(sleeps).toEqual([375, 3150]);
  });

  it("does not retry a validation fault", async () => {
    const { fetch, seen } = scripted([
      () =>
        json(400, {
          Fault: {
            Error: [{ Message: "Duplicate Name Exists Error", code: "6240", element: "DisplayName" }],
            type: "ValidationFault",
          },
        }),
    ]);
    const { c } = client(fetch);
    await expect(c.createCustomer({ DisplayName: "A" }, { requestId: "r" })).rejects.toBeInstanceOf(
      QboFaultError,
    );
    expect(seen).toHaveLength(1);
  });

  it("forces one token refresh after a 401, and gives up after a second", async () => {
    const authFault = () =>
      json(401, {
        fault: {
          error: [
            { message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", code: "3200" },
          ],
          type: "AUTHENTICATION",
        },
      });
    const ok = scripted([authFault, () => json(200, { Customer: { Id: "1" } })]);
    const a = client(ok.fetch);
    await a.c.read("Customer", "1");
    expect(a.tokens).toEqual([{ forceRefresh: false }, { forceRefresh: true }]);
    expect(ok.seen.map((s) => s.auth)).toEqual(["Bearer tok1", "Bearer tok2"]);

    const bad = scripted([authFault, authFault]);
    const b = client(bad.fetch);
    await expect(b.c.read("Customer", "1")).rejects.toBeInstanceOf(QboAuthError);
    expect(bad.seen).toHaveLength(2);
  });

  it("wraps network failures and stops after maxAttempts", async () => {
    const refused = () => Promise.reject(new TypeError("fetch failed", { cause: new Error("ECONNREFUSED") }));
    const { fetch, seen } = scripted([refused, refused, refused]);
    const { c, sleeps } = client(fetch, { retry: { maxAttempts: 3, random: () => 0 } });
    const err = await c.read("Customer", "1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QboNetworkError);
    expect((err as QboNetworkError).message).toContain("ECONNREFUSED");
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
  });

  it("reads Preferences and CompanyInfo", async () => {
    const { fetch, seen } = scripted([
      () => json(200, { Preferences: { SalesFormsPrefs: { CustomTxnNumbers: true } } }),
      () => json(200, { CompanyInfo: { CompanyName: "Demo" } }),
    ]);
    const { c } = client(fetch);
    expect((await c.readPreferences()).SalesFormsPrefs?.CustomTxnNumbers).toBe(true);
    expect((await c.readCompanyInfo()).CompanyName).toBe("Demo");
    expect(seen.map((s) => s.url.pathname)).toEqual([
      "/v3/company/9130/preferences",
      "/v3/company/9130/companyinfo/9130",
    ]);
  });
});
