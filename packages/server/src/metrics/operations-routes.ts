import type { Store } from "@ledgerlink/store";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { constantTimeEqual } from "../auth/constant-time.js";
import type { JobQueue } from "../jobs/job-types.js";
import { LedgerlinkMetrics } from "./metrics.js";
import { readiness } from "./readiness.js";

/** What /metrics and /api/ready read: this process's metrics, its job queue and who may scrape. */
export interface OperationsDeps {
  metrics: LedgerlinkMetrics;
  /** The queue this process sends jobs to (absent: nothing to check). */
  queue?: JobQueue;
  /**
   * A scraper sends `Authorization: Bearer <metricsToken>`. Without one, /metrics answers only callers
   * on this machine (loopback, not through a proxy).
   */
  metricsToken?: string;
}

export class MetricsSettingsError extends Error {
  override readonly name = "MetricsSettingsError";
}

const metricsEnv = z.object({
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters (openssl rand -hex 16)").optional(),
});

/** METRICS_TOKEN from the environment; the value itself never appears in an error. */
export function loadMetricsToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const r = metricsEnv.safeParse({ METRICS_TOKEN: env["METRICS_TOKEN"] || undefined });
  if (!r.success)
    throw new MetricsSettingsError(`METRICS_TOKEN: ${r.error.issues.map((i) => i.message).join("; ")}`);
  return r.data.METRICS_TOKEN;
}

const loopback = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** The peer's address as @hono/node-server hands it over (undefined for `app.request` without env). */
function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/**
 * Whether this request may read /metrics. With a token: the bearer token, compared in constant time.
 * Without: only a loopback peer that no proxy forwarded (a reverse proxy on the same host would make
 * every outside caller look local, so a forwarded request is refused).
 */
function mayScrape(c: Context, token: string | undefined): { ok: true } | { ok: false; status: 401 | 403 } {
  if (token !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    return m && constantTimeEqual(m[1]!, token) ? { ok: true } : { ok: false, status: 401 };
  }
  const address = remoteAddress(c);
  const forwarded = c.req.header("x-forwarded-for") !== undefined || c.req.header("forwarded") !== undefined;
  return address !== undefined && loopback.test(address) && !forwarded
    ? { ok: true }
    : { ok: false, status: 403 };
}

/**
 * GET /metrics (Prometheus text) and GET /api/ready (database, migrations and job queue; 503 when
 * one fails), on the server's app and on a worker's metrics port alike. Both sit outside /api/v1:
 * /api/ready is for load balancers and orchestrators, which carry no API key, and says nothing beyond
 * which check failed.
 */
export function registerOperationsRoutes(app: Hono, store: Store, ops: OperationsDeps): void {
  app.get("/metrics", async (c) => {
    const allowed = mayScrape(c, ops.metricsToken);
    if (!allowed.ok)
      return c.json(
        {
          error:
            allowed.status === 401
              ? { code: "unauthenticated", message: "Send the metrics token as `Authorization: Bearer …`" }
              : {
                  code: "forbidden",
                  message:
                    "Metrics are served to this machine only; set METRICS_TOKEN to scrape from elsewhere",
                },
        },
        allowed.status,
      );
    const { body, contentType } = await ops.metrics.text();
    return c.body(body, 200, { "Content-Type": contentType, "Cache-Control": "no-store" });
  });
  app.get("/api/ready", async (c) => {
    const r = await readiness(store, ops.queue);
    return c.json(r, r.ready ? 200 : 503);
  });
}

/** The operations deps an app made without them gets: its own metrics, no queue, loopback-only. */
export function defaultOperations(): OperationsDeps {
  return { metrics: new LedgerlinkMetrics({ defaultMetrics: false }) };
}
