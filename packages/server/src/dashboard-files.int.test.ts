import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DashboardFiles } from "./dashboard-files.js";
import { getHomePage } from "./handlers/get-home-page.js";

/** A console build on disk (real files), served the way createApp serves the real one. */
describe("serving the console build", () => {
  let dir: string;
  let app: Hono;
  const script = `console.log(${JSON.stringify("x".repeat(4000))});`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ll-console-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, "assets", "index-abc123.js"), script);
    writeFileSync(join(tmpdir(), "ll-secret.txt"), "outside the build");
    app = new Hono();
    app.get("/api/status", (c) => c.json({ ok: true }));
    app.get("*", getHomePage(new DashboardFiles(dir)));
    // Registered after the catch-all: it must still answer (the catch-all lets /api through).
    app.get("/api/later", (c) => c.json({ later: true }));
    app.notFound((c) => c.json({ error: { code: "not_found", message: "none" } }, 404));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves index.html at / and for the console's own routes, with security headers", async () => {
    for (const path of ["/", "/errors", "/customers/C%3A1042", "/review?page=2"]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await res.text()).toContain('<div id="root">');
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("cache-control")).toBe("no-cache");
    }
  });

  it("serves hashed assets for a year, gzipped when accepted, and answers 304 to a matching ETag", async () => {
    const plain = await app.request("/assets/index-abc123.js");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(plain.headers.get("cache-control")).toContain("immutable");
    expect(await plain.text()).toBe(script);

    const gz = await app.request("/assets/index-abc123.js", { headers: { "accept-encoding": "gzip, br" } });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    const bytes = new Uint8Array(await gz.arrayBuffer());
    expect(bytes.length).toBeLessThan(script.length / 10);
    expect(gunzipSync(bytes).toString()).toBe(script);

    const etag = plain.headers.get("etag")!;
    const again = await app.request("/assets/index-abc123.js", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
  });

  it("answers 404 for a missing asset instead of index.html served as a script", async () => {
    const res = await app.request("/assets/index-old999.js");
    expect(res.status).toBe(404);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("never serves a file outside the build directory", async () => {
    for (const path of ["/../ll-secret.txt", "/%2e%2e/ll-secret.txt", "/assets/..%2f..%2fll-secret.txt"]) {
      const res = await app.request(path);
      expect(await res.text(), path).not.toContain("outside the build");
    }
  });

  it("leaves /api paths to the API: routes registered later answer, unknown ones get the JSON 404", async () => {
    expect(await (await app.request("/api/status")).json()).toEqual({ ok: true });
    expect(await (await app.request("/api/later")).json()).toEqual({ later: true });
    const missing = await app.request("/api/nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("says how to build the console when there is no build", async () => {
    const bare = new Hono();
    bare.get("*", getHomePage(new DashboardFiles(join(dir, "nothing-here"))));
    const res = await bare.request("/");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("npm run build");
  });
});
