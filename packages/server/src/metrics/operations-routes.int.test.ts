import { systemClock } from "@ledgerlink/core";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { loadConfig } from "../config.js";
import { ConnectionService } from "../connection-service.js";
import { InProcessQueue } from "../jobs/in-process-queue.js";
import type { JobQueue } from "../jobs/job-types.js";
import { LedgerlinkMetrics } from "./metrics.js";
import { loadMetricsToken, MetricsSettingsError, type OperationsDeps } from "./operations-routes.js";

/** What @hono/node-server passes as the env of a request from `remoteAddress`. */
const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

/** A queue whose database went away: its ping fails. */
class UnreachableQueue extends InProcessQueue {
  override ping(): Promise<void> {
    return Promise.reject(new Error("queue database unreachable"));
  }
}

describe.each(testDatabases())("/metrics and /api/ready on the server app ($dialect)", (database) => {
  let store: Store;
  const config = loadConfig({
    QBO_BASE_URL: "http://127.0.0.1:9",
    LEDGERLINK_TOKEN_KEY: "a".repeat(43) + "=",
  });
  const appWith = (operations: OperationsDeps) =>
    createApp({
      config,
      store,
      connections: new ConnectionService({ store, config, clock: systemClock }),
      clock: systemClock,
      operations,
    });

  beforeAll(async () => {
    store = await openStore(database.fresh());
    await store.ensureCompany("acme", "Acme");
  });
  afterAll(() => store.close());

  it("serves Prometheus text to a caller on this machine, with QBO requests and queue depth", async () => {
    const metrics = new LedgerlinkMetrics();
    const queue = new InProcessQueue();
    await queue.send("pull", { companyId: "acme" }); // nobody works this queue: it waits
    metrics.watchQueue(queue);
    const fetchQbo = metrics.instrumentFetch(() => Promise.resolve(new Response("{}", { status: 429 })));
    await fetchQbo("http://qbo.test/v3/company/1/query");
    const app = appWith({ metrics, queue });

    for (const address of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) {
      const res = await app.request("/metrics", {}, from(address));
      expect(res.status, address).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      const body = await res.text();
      expect(body).toContain('ledgerlink_qbo_requests_total{status="429"} 1');
      expect(body).toContain("ledgerlink_qbo_throttled_total 1");
      expect(body).toContain('ledgerlink_queue_depth{job="pull",state="waiting"} 1');
      expect(body).toContain("process_cpu_user_seconds_total");
    }
  });

  it("refuses other machines, proxied requests and unknown peers without a token", async () => {
    const app = appWith({ metrics: new LedgerlinkMetrics({ defaultMetrics: false }) });
    for (const [init, env] of [
      [{}, from("10.0.0.7")],
      [{ headers: { "x-forwarded-for": "203.0.113.9" } }, from("127.0.0.1")],
      [{ headers: { forwarded: "for=203.0.113.9" } }, from("127.0.0.1")],
      [{}, undefined],
    ] as const) {
      const res = await app.request("/metrics", init, env);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    }
  });

  it("with METRICS_TOKEN, answers only the bearer of that token, from anywhere", async () => {
    const token = "m".repeat(24);
    const app = appWith({ metrics: new LedgerlinkMetrics({ defaultMetrics: false }), metricsToken: token });
    const ok = await app.request(
      "/metrics",
      { headers: { authorization: `Bearer ${token}` } },
      from("10.0.0.7"),
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("ledgerlink_jobs_total");
    for (const authorization of [undefined, `Bearer ${token}x`, `Basic ${token}`]) {
      const res = await app.request(
        "/metrics",
        authorization ? { headers: { authorization } } : {},
        from("127.0.0.1"), // the token is required even from this machine once set
      );
      expect(res.status, authorization).toBe(401);
    }
  });

  it("METRICS_TOKEN must be long enough; the error never shows it", () => {
    expect(loadMetricsToken({})).toBeUndefined();
    expect(loadMetricsToken({ METRICS_TOKEN: "t".repeat(16) })).toBe("t".repeat(16));
    let err: unknown;
    try {
      loadMetricsToken({ METRICS_TOKEN: "short-secret" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MetricsSettingsError);
    expect((err as Error).message).toMatch(/METRICS_TOKEN/);
    expect((err as Error).message).not.toContain("short-secret");
  });

  it("/api/ready answers without credentials: 200 when database, migrations and queue answer", async () => {
    const res = await appWith({
      metrics: new LedgerlinkMetrics({ defaultMetrics: false }),
      queue: new InProcessQueue(),
    }).request("/api/ready");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ready: true,
      checks: {
        database: { ok: true },
        migrations: { ok: true, pending: [] },
        queue: { ok: true, kind: "in-process" },
      },
    });
    // An authenticated route next to it still asks for credentials.
    expect(
      (await appWith({ metrics: new LedgerlinkMetrics({ defaultMetrics: false }) }).request("/api/status"))
        .status,
    ).toBe(401);
  });

  it("/api/ready answers 503 naming the check that failed", async () => {
    const queue: JobQueue = new UnreachableQueue();
    const res = await appWith({ metrics: new LedgerlinkMetrics({ defaultMetrics: false }), queue }).request(
      "/api/ready",
    );
    expect(res.status).toBe(503);
    const body = (await res.json()) as { ready: boolean; checks: { queue: unknown; database: unknown } };
    expect(body.ready).toBe(false);
    expect(body.checks.database).toEqual({ ok: true });
    expect(body.checks.queue).toEqual({ ok: false, kind: "in-process", error: "queue database unreachable" });
  });
});

describe("/api/ready when the database is gone", () => {
  it("answers 503 with the database check failed", async () => {
    const [sqlite] = testDatabases();
    const store = await openStore(sqlite!.fresh());
    const config = loadConfig({
      QBO_BASE_URL: "http://127.0.0.1:9",
      LEDGERLINK_TOKEN_KEY: "a".repeat(43) + "=",
    });
    const app = createApp({
      config,
      store,
      connections: new ConnectionService({ store, config, clock: systemClock }),
      clock: systemClock,
    });
    await store.close();
    const res = await app.request("/api/ready");
    expect(res.status).toBe(503);
    const body = (await res.json()) as { ready: boolean; checks: { database: { ok: boolean } } };
    expect(body.ready).toBe(false);
    expect(body.checks.database.ok).toBe(false);
  });
});

describe("the QBO request counter", () => {
  it("counts API calls by status, not OAuth token calls", async () => {
    const metrics = new LedgerlinkMetrics({ defaultMetrics: false });
    const f = metrics.instrumentFetch((input) =>
      Promise.resolve(new Response("{}", { status: String(input).includes("/oauth2/") ? 400 : 200 })),
    );
    await f("http://127.0.0.1:4010/oauth2/v1/tokens/bearer", { method: "POST" });
    await f("https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer", { method: "POST" });
    await f("http://127.0.0.1:4010/v3/company/9130/query?query=select");
    await f(new URL("http://127.0.0.1:4010/v3/company/9130/batch"), { method: "POST" });
    const body = (await metrics.text()).body;
    expect(body).toContain('ledgerlink_qbo_requests_total{status="200"} 2');
    expect(body).not.toContain('status="400"');
  });
});
