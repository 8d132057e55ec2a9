import type { Handler } from "hono";
import { DashboardFiles, dashboardSecurityHeaders } from "../dashboard-files.js";

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ledgerlink</title></head>
<body><h1>The console has not been built</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>), then reload this page.
The HTTP API under <code>/api</code> works meanwhile.</p></body></html>`;

/**
 * `GET /*` outside `/api`: the console (packages/dashboard's build) and its assets; any other path
 * answers index.html so the console's own routes load on a reload or a shared link. `/api/…`
 * paths fall through to the API's routes and its JSON 404.
 */
export const getHomePage = (files: DashboardFiles = new DashboardFiles()): Handler => {
  return async (c, next) => {
    if (c.req.path === "/api" || c.req.path.startsWith("/api/")) return next();
    const file = await files.get(c.req.path, c.req.raw.headers);
    if (file) return new Response(file.body, { status: file.status, headers: file.headers });
    if (c.req.path.startsWith("/assets/") && (await files.built())) {
      return c.text("Not found: this page is from an older version; reload it", 404, {
        ...dashboardSecurityHeaders,
      });
    }
    return c.html(notBuiltPage, 503, { ...dashboardSecurityHeaders });
  };
};
