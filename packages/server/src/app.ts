import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { errorResponse } from "./api-error.js";
import type { AppDeps } from "./app-deps.js";
import { registerApiRoutes } from "./api-routes.js";
import { getHealth } from "./handlers/get-health.js";
import { postQboWebhook } from "./handlers/post-qbo-webhook.js";
import { getHomePage } from "./handlers/get-home-page.js";
import { getStatus } from "./handlers/get-status.js";
import { postRecords, postRecordsDelete } from "./handlers/post-records.js";
import { postImport } from "./handlers/post-import.js";
import { getConnection } from "./handlers/get-connection.js";
import { putConnection } from "./handlers/put-connection.js";
import { postConnectionConnect } from "./handlers/post-connection-connect.js";
import { getConnectionCallback } from "./handlers/get-connection-callback.js";
import { postConnectionDisconnect } from "./handlers/post-connection-disconnect.js";
import { getReportRun } from "./handlers/get-report-run.js";
import { getReportPeriod } from "./handlers/get-report-period.js";
import { postReportEmail } from "./handlers/post-report-email.js";
import { getReportRecipients } from "./handlers/get-report-recipients.js";
import { postReportRecipients } from "./handlers/post-report-recipients.js";
import { getExportUnmatchedCustomers } from "./handlers/get-export-unmatched-customers.js";
import { reportTransport } from "./reports/report-email.js";
import { authenticate } from "./auth/authenticate.js";
import { registerAuthRoutes } from "./auth/auth-routes.js";
import { defaultRateLimits, limitRequests, rateLimits } from "./auth/rate-limit.js";
import { securityHeaders } from "./auth/security-headers.js";
import { defaultOperations, registerOperationsRoutes } from "./metrics/operations-routes.js";

export const maxRequestBytes = 20 * 2 ** 20;

/** The HTTP API and console, on Web-standard Request/Response (test with `app.request`). */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.onError((err, c) => errorResponse(c, err));
  app.notFound((c) =>
    c.json({ error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
  );
  // On every response, the probes' and errors' too.
  app.use("*", securityHeaders());
  // Ahead of authentication: probes carry no API key; /metrics guards itself (loopback or METRICS_TOKEN).
  registerOperationsRoutes(app, deps.store, deps.operations ?? defaultOperations());
  // Who is calling and what they may do, ahead of every route (routes registered before a middleware
  // answer without running it).
  const limits =
    deps.rateLimit === false
      ? undefined
      : rateLimits(deps.rateLimit ?? defaultRateLimits, deps.store.guesses);
  app.use("/api/*", authenticate(deps, limits));
  if (limits) app.use("/api/*", limitRequests(limits));
  // CSV imports stream under their own limit (100 MB), so they are routed before the JSON limit below;
  // a route registered ahead of a middleware answers without running it.
  app.post("/api/v1/companies/:companyId/imports/:collection", postImport(deps));
  // A bulk upsert of 5,000 full records is a few MB; anything far larger is refused before parsing.
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: maxRequestBytes,
      onError: (c) =>
        c.json(
          {
            error: {
              code: "payload_too_large",
              message: `Request bodies are limited to ${maxRequestBytes / 2 ** 20} MB`,
            },
          },
          413,
        ),
    }),
  );
  app.get("/api/health", getHealth());
  registerAuthRoutes(app, deps);
  // Intuit's notifications are small; a large body is refused before its signature is computed.
  app.post(
    "/api/v1/webhooks/qbo",
    bodyLimit({
      maxSize: 1 * 2 ** 20,
      onError: (c) =>
        c.json({ error: { code: "payload_too_large", message: "Webhook bodies are limited to 1 MB" } }, 413),
    }),
    postQboWebhook(deps),
  );
  app.get("/api/status", getStatus(deps));
  app.post("/api/v1/companies/:companyId/:collection/delete", postRecordsDelete(deps));
  app.get("/api/v1/companies/:companyId/connection", getConnection(deps));
  app.put("/api/v1/companies/:companyId/connection", putConnection(deps));
  app.post("/api/v1/companies/:companyId/connection/connect", postConnectionConnect(deps));
  app.post("/api/v1/companies/:companyId/connection/disconnect", postConnectionDisconnect(deps));
  app.get("/api/v1/connection/callback", getConnectionCallback(deps));
  // Post-sync reports, their email and the unmatched-customers export (ahead of the catch-all routes).
  const reportSettings = deps.config.reports ?? {
    smtpUrl: undefined,
    from: undefined,
    recipients: [],
    dir: "./data/reports",
  };
  const reportMail = reportTransport(reportSettings);
  const reports = "/api/v1/companies/:companyId/reports";
  app.get(`${reports}/recipients`, getReportRecipients(deps, reportSettings.recipients));
  app.post(`${reports}/recipients`, postReportRecipients(deps, reportSettings.recipients));
  app.get(`${reports}/runs/:runId`, getReportRun(deps));
  app.post(`${reports}/runs/:runId/email`, postReportEmail(deps, reportMail));
  app.get(reports, getReportPeriod(deps, "json"));
  for (const format of ["json", "html", "csv"] as const)
    app.get(`${reports}.${format}`, getReportPeriod(deps, format));
  app.get("/api/v1/companies/:companyId/exports/unmatched-customers.csv", getExportUnmatchedCustomers(deps));
  // Runs, queue, errors, review, merges, audit, search, events; /api/openapi.json and /api/docs.
  registerApiRoutes(app, deps);
  // Last among the company routes: `:collection` would otherwise shadow `connection`.
  app.post("/api/v1/companies/:companyId/:collection", postRecords(deps));
  // Last: the console for every other GET (its client-side routes included); /api/* falls through.
  app.get("*", getHomePage());
  return app;
}
