import type { Handler } from "hono";
import { html } from "hono/html";
import type { AppDeps } from "../app-deps.js";
import { readStatus } from "../status.js";

/** A placeholder console page until the dashboard is built: the same facts as /api/status. */
export const getHomePage =
  (deps: AppDeps): Handler =>
  async (c) => {
    const s = await readStatus(deps);
    const run = s.lastRun;
    return c.html(
      html`<!doctype html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <title>Ledgerlink — ${s.company}</title>
            <style>
              body {
                font:
                  16px/1.5 system-ui,
                  sans-serif;
                margin: 2rem auto;
                max-width: 48rem;
                color: #1b1b1b;
              }
              dt {
                font-weight: 600;
              }
              dd {
                margin: 0 0 0.75rem;
              }
            </style>
          </head>
          <body>
            <h1>Ledgerlink</h1>
            <p>Company <strong>${s.company}</strong></p>
            <dl>
              <dt>QuickBooks connection</dt>
              <dd data-testid="connection">
                ${s.connection.state}
                (${s.connection.environment}${
                  s.connection.realmId ? html`, realm ${s.connection.realmId}` : ""
                })${s.connection.reason ? html` — ${s.connection.reason}` : ""}
              </dd>
              <dt>Customers</dt>
              <dd data-testid="customers">
                ${s.counts.customers} in the app, ${s.counts.linkedCustomers} linked to QuickBooks
              </dd>
              <dt>Open errors</dt>
              <dd data-testid="errors">${s.counts.openErrors}</dd>
              <dt>Last sync</dt>
              <dd data-testid="last-run">
                ${
                  run
                    ? `${run.status} at ${run.startedAt}: ${run.created} created, ${run.updated} updated, ${run.skipped} unchanged, ${run.failed} failed`
                    : "never"
                }
              </dd>
            </dl>
          </body>
        </html>`,
    );
  };
