import { apiRoutes } from "@ledgerlink/core";
import { testDatabases } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../test/api-harness.js";

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { operationId: string; parameters: { name: string; in: string }[]; responses: Record<string, unknown> }
    >
  >;
  components: { schemas: Record<string, unknown> };
};

describe("OpenAPI document and docs page", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness(testDatabases()[0]!);
  });
  afterAll(() => h?.close());

  it("documents every route of the contract, with parameters, and every $ref resolves", async () => {
    const res = await h.call<Doc>("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    for (const route of apiRoutes) {
      const op = doc.paths[route.path]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op!.operationId).toBe(route.operationId);
      for (const name of Object.keys(route.params?.shape ?? {}))
        expect(op!.parameters).toContainEqual(expect.objectContaining({ name, in: "path" }));
      for (const name of Object.keys(route.query?.shape ?? {}))
        expect(op!.parameters).toContainEqual(expect.objectContaining({ name, in: "query" }));
      // Besides its own, every operation may answer the authentication ones (401, 403, 429).
      expect(Object.keys(op!.responses).sort()).toEqual(
        [String(route.success.status), ...route.errors.map(String), "401", "403", "429"].sort(),
      );
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(refs.length).toBeGreaterThan(50);
    for (const r of new Set(refs)) expect(doc.components.schemas, r).toHaveProperty(r);
    expect(doc.components.schemas).toHaveProperty("ErrorItem");
  });

  it("serves every API route it documents (the handler answers, not the catch-all)", async () => {
    const served = new Set<string>();
    for (const route of apiRoutes) {
      const path = route.path.replace("{companyId}", "acme").replace("{id}", "x").replace("{ref}", "C:1");
      if (route.success.contentType === "text/event-stream") {
        const controller = new AbortController();
        const res = await fetch(`${h.url}${path}`, {
          signal: controller.signal,
          headers: { authorization: `Bearer ${h.apiKey}` },
        });
        expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
        controller.abort();
        served.add(`${route.method} ${route.path}`);
        continue;
      }
      const res = await h.call(route.method.toUpperCase(), path, route.method === "get" ? undefined : {});
      // Never the catch-all's "no route"; any answer of the handler's own is fine here.
      const body = res.body as { error?: { code?: string } } | undefined;
      expect(body?.error?.code, path).not.toBe("not_found");
      served.add(`${route.method} ${route.path}`);
    }
    expect(served.size).toBe(apiRoutes.length);
  });

  it("renders human docs offline: every endpoint and schema, no script, nothing from the network", async () => {
    const res = await fetch(`${h.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const page = await res.text();
    for (const route of apiRoutes) {
      expect(page).toContain(`id="op-${route.operationId}"`);
      expect(page).toContain(route.path);
    }
    expect(page).toContain('id="schema-ErrorItem"');
    expect(page).not.toMatch(/<script|<link[^>]+href="https?:|src="https?:/i);
  });
});
