import { Hono } from "hono";
import { batch } from "./handlers/batch.js";
import { cdc } from "./handlers/cdc.js";
import { getEntity } from "./handlers/get-entity.js";
import { postEntity } from "./handlers/post-entity.js";
import { query } from "./handlers/query.js";
import { v3Middleware } from "./handlers/v3-middleware.js";
import { authorize } from "./oauth/authorize.js";
import { revoke, token } from "./oauth/token.js";
import type { EmulatorEnv, EmulatorState } from "./state.js";

/** The Hono app: QBO's v3 API, its OAuth endpoints and the emulator's own admin routes. */
export function buildApp(state: EmulatorState): Hono<EmulatorEnv> {
  // Not strict: /_emulator and /_emulator/ are the same page.
  const app = new Hono<EmulatorEnv>({ strict: false });
  // Intuit's OAuth endpoints, on the paths of their real hosts.
  app.get("/connect/oauth2", authorize(state));
  app.post("/oauth2/v1/tokens/bearer", token(state));
  app.post("/v2/oauth2/tokens/revoke", revoke(state));

  const v3 = "/v3/company/:realmId";
  app.use(`${v3}/*`, async (c, next) => {
    const realm = state.realms.get(c.req.param("realmId") ?? "");
    if (realm) c.set("realm", realm);
    await next();
  });
  app.use(`${v3}/*`, v3Middleware(state));
  app.get(`${v3}/query`, query);
  app.post(`${v3}/query`, query);
  app.post(`${v3}/batch`, batch);
  app.get(`${v3}/cdc`, cdc);
  app.get(`${v3}/:entity/:id`, getEntity);
  app.get(`${v3}/:entity`, getEntity);
  app.post(`${v3}/:entity`, postEntity);
  return app;
}
