import { systemClock } from "@ledgerlink/core";
import { testDatabases } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../../test/api-harness.js";
import { createApp } from "../app.js";
import { loadConfig } from "../config.js";
import { ConnectionService } from "../connection-service.js";

/** A value only Acme's data holds: finding it in an answer to another tenant is a leak. */
const marker = "Zanzibar Glassworks";
const markerEmail = "vault@zanzibar-glass.example";

interface Endpoint {
  method: string;
  /** Hono style: `/api/v1/companies/:companyId/runs/:id`. */
  path: string;
}

/**
 * Every company-scoped endpoint the server serves: the contract's route table and the routes app.ts
 * registers beside it, read from the app itself so a route added later is covered without editing
 * this test.
 */
function companyEndpoints(h: ApiHarness): Endpoint[] {
  const config = loadConfig({ LEDGERLINK_COMPANY: "acme", LEDGERLINK_TOKEN_KEY: "a".repeat(43) + "=" });
  const app = createApp({
    config,
    store: h.store,
    connections: new ConnectionService({ store: h.store, config, clock: systemClock }),
    clock: systemClock,
  });
  const seen = new Set<string>();
  const out: Endpoint[] = [];
  for (const r of app.routes) {
    if (r.method === "ALL" || !r.path.startsWith("/api/v1/companies/:companyId")) continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: r.method, path: r.path });
  }
  return out;
}

describe.each(testDatabases())("tenant isolation over every company endpoint ($dialect)", (database) => {
  let h: ApiHarness;
  let endpoints: Endpoint[];
  let acmeRunId: string;
  let acmeErrorId: string;
  let otherKey: string;
  let otherReadOnlyKey: string;
  const ids = (): Record<string, string> => ({
    id: acmeRunId,
    runId: acmeRunId,
    ref: "C:z1",
    collection: "customers",
    action: "hold",
    errorId: acmeErrorId,
  });
  const fill = (path: string, companyId: string) =>
    path
      .replace(":companyId", encodeURIComponent(companyId))
      .replace(/:([A-Za-z]+)(\{[^}]*\})?/g, (_m, name: string) => encodeURIComponent(ids()[name] ?? "x1"));
  /** One request; an event stream is cut after its status and first bytes. */
  async function hit(key: string | null, method: string, path: string) {
    const ctl = new AbortController();
    const res = await fetch(`${h.url}${path}`, {
      method,
      signal: ctl.signal,
      headers: {
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...(method === "GET" ? {} : { "content-type": "application/json" }),
      },
      ...(method === "GET"
        ? {}
        : { body: JSON.stringify({ refs: ["C:z1"], reason: "x", ids: [acmeErrorId] }) }),
    });
    let text = "";
    if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
      const reader = res.body!.getReader();
      const first = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(r, 300))]);
      if (first && first.value) text = new TextDecoder().decode(first.value);
      ctl.abort();
    } else text = await res.text();
    return { status: res.status, text };
  }
  const acmeFootprint = async () => {
    const acme = h.store.company("acme");
    return JSON.stringify({
      audit: (await acme.listAudit()).length,
      runs: (await acme.sync.listRunSummaries({ limit: 100 })).map((r) => [r.id, r.status]),
      queue: await acme.sync.listHolds(),
      errors: (await acme.listOpenErrors()).length,
    });
  };

  beforeAll(async () => {
    h = await startApiHarness(database);
    await h.put("customer", [
      { id: "z1", displayName: marker, email: markerEmail, active: true },
      { id: "z2", displayName: `${marker} East`, active: true },
    ]);
    // An invoice for a customer that does not exist: an open problem with an id.
    await h
      .put("invoice", [
        {
          id: "i1",
          docNumber: "ZG-1",
          customerId: "nobody",
          txnDate: "2026-01-05",
          lines: [{ description: marker, amount: 10 }],
        },
      ])
      .catch(() => undefined);
    const result = await h.sync();
    acmeRunId = result.run!.id;
    acmeErrorId = String((await h.store.company("acme").listOpenErrors())[0]?.id ?? "e-none");
    otherKey = await h.newKey("other", "admin");
    otherReadOnlyKey = await h.newKey("other", "read-only");
    endpoints = companyEndpoints(h);
  }, 120_000);
  afterAll(() => h?.close());

  it("covers the whole route table (contract and app.ts routes)", () => {
    const paths = endpoints.map((e) => `${e.method} ${e.path}`);
    expect(paths.length).toBeGreaterThan(40);
    for (const must of [
      "GET /api/v1/companies/:companyId/runs",
      "POST /api/v1/companies/:companyId/connection/connect",
      "GET /api/v1/companies/:companyId/exports/unmatched-customers.csv",
      "POST /api/v1/companies/:companyId/imports/:collection",
      "POST /api/v1/companies/:companyId/:collection",
      "GET /api/v1/companies/:companyId/events",
    ])
      expect(paths).toContain(must);
  });

  it("another company's key gets 404 on every Acme endpoint, sees nothing of Acme and changes nothing", async () => {
    const before = await acmeFootprint();
    const answers: string[] = [];
    for (const e of endpoints) {
      for (const key of [otherKey, otherReadOnlyKey]) {
        const { status, text } = await hit(key, e.method, fill(e.path, "acme"));
        answers.push(`${status} ${e.method} ${e.path}`);
        expect({ endpoint: `${e.method} ${e.path}`, status }).toEqual({
          endpoint: `${e.method} ${e.path}`,
          status: 404,
        });
        expect(text).not.toContain(marker);
        expect(text).not.toContain(markerEmail);
        expect(text).not.toContain("Acme Plumbing");
      }
    }
    expect(answers.length).toBe(endpoints.length * 2);
    expect(await acmeFootprint()).toBe(before);
  });

  it("Acme's ids under the other company's path find nothing of Acme's and change nothing", async () => {
    const before = await acmeFootprint();
    for (const e of endpoints) {
      const { status, text } = await hit(otherKey, e.method, fill(e.path, "other"));
      expect(status, `${e.method} ${e.path}`).toBeLessThan(500);
      expect(text, `${e.method} ${e.path}`).not.toContain(marker);
      expect(text, `${e.method} ${e.path}`).not.toContain(markerEmail);
      if (/:(id|runId)\b/.test(e.path) && e.method === "GET")
        expect([400, 404], `${e.method} ${e.path}`).toContain(status);
    }
    expect(await acmeFootprint()).toBe(before);
  });

  it("with no credentials every company endpoint answers 401 and nothing else", async () => {
    for (const e of endpoints) {
      const { status, text } = await hit(null, e.method, fill(e.path, "acme"));
      expect(status, `${e.method} ${e.path}`).toBe(401);
      expect(text).not.toContain(marker);
    }
    const wrong = await hit(`llk_${"A".repeat(43)}`, "GET", "/api/v1/companies/acme/runs");
    expect(wrong.status).toBe(401);
  });

  it("the operator key still reaches Acme (the checks above are not refusing everything)", async () => {
    const { status, text } = await hit(h.apiKey, "GET", "/api/v1/companies/acme/search?q=Zanzibar");
    expect(status).toBe(200);
    expect(text).toContain(marker);
  });
});
