import { Hono, type Context } from "hono";
import { ENTITY_NAMES, type EntityName, type QboObject } from "../entities/entity-def.js";
import type { FaultRule } from "../fault-injection.js";
import { QboFault } from "../fault.js";
import type { TokenPair } from "../oauth/token-store.js";
import type { RealmHandle } from "../realm-handle.js";
import { checkSeed, type RealmSeed } from "../seed.js";
import type { WebhookConfig, WebhookDelivery } from "../webhooks/dispatcher.js";
import { renderIndex, renderRealm } from "./html-view.js";

/** What the admin routes need from the emulator. */
export interface AdminApi {
  realmIds(): string[];
  realm(realmId: string): RealmHandle;
  companyName(realmId: string): string;
  createRealm(options: { realmId?: string; companyName?: string }): RealmHandle;
  issueTokens(realmId: string): TokenPair;
  seed(seed: RealmSeed): void;
  resetAll(): void;
  configureWebhooks(config: WebhookConfig | null): void;
  webhookConfig(): WebhookConfig | undefined;
  webhookDeliveries(): readonly WebhookDelivery[];
}

/** The emulator's own envelope for admin errors (QBO has no admin API to imitate). */
function fail(c: Context, status: 400 | 404, code: string, message: string, details: unknown = {}) {
  return c.json({ error: { code, message, details } }, status);
}

async function body(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  const parsed = JSON.parse(text) as unknown;
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new Error("the body must be a JSON object");
  return parsed as Record<string, unknown>;
}

/**
 * `/_emulator/...`: what a real QBO does not have — companies, tokens for scripts, seeding, the
 * closing date, faults, the clock, webhooks, and a read-only HTML view.
 */
export function adminRoutes(api: AdminApi): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof QboFault) return fail(c, 400, "rule", err.message);
    const message = err instanceof Error ? err.message : String(err);
    return fail(c, /^no company/.test(message) ? 404 : 400, "invalid_request", message);
  });

  const realmOf = (c: Context): RealmHandle => api.realm(c.req.param("realmId") ?? "");

  app.get("/", (c) =>
    c.html(renderIndex(api.realmIds().map((id) => ({ id, companyName: api.companyName(id) })))),
  );
  app.post("/reset", (c) => {
    api.resetAll();
    return c.json({ ok: true });
  });
  app.get("/realms", (c) =>
    c.json(api.realmIds().map((realmId) => ({ realmId, companyName: api.companyName(realmId) }))),
  );
  app.post("/realms", async (c) => {
    const b = await body(c);
    const realm = api.createRealm({
      ...(typeof b["realmId"] === "string" ? { realmId: b["realmId"] } : {}),
      ...(typeof b["companyName"] === "string" ? { companyName: b["companyName"] } : {}),
    });
    return c.json({ realmId: realm.id, companyName: api.companyName(realm.id) }, 201);
  });
  app.post("/realms/:realmId/tokens", (c) =>
    c.json({ ...api.issueTokens(realmOf(c).id), realmId: realmOf(c).id }),
  );
  app.post("/realms/:realmId/reset", (c) => {
    realmOf(c).reset();
    return c.json({ ok: true });
  });
  app.post("/realms/:realmId/seed", async (c) => {
    const realm = realmOf(c);
    const seed = checkSeed({ realms: [{ ...(await body(c)), realmId: realm.id }] }, "seed");
    api.seed(seed.realms[0]!);
    return c.json({ ok: true });
  });
  app.put("/realms/:realmId/closing-date", async (c) => {
    const b = await body(c);
    const date = b["date"];
    if (date !== null && typeof date !== "string")
      return fail(c, 400, "invalid_request", "date must be YYYY-MM-DD or null");
    realmOf(c).setClosingDate(date);
    return c.json({ closingDate: realmOf(c).closingDate ?? null });
  });
  app.patch("/realms/:realmId/preferences", async (c) =>
    c.json({ Preferences: realmOf(c).setPreferences(await body(c)) }),
  );
  // QBO has no merge API; this is the merge a user makes in QBO's web UI.
  app.post("/realms/:realmId/customers/merge", async (c) => {
    const b = await body(c);
    return c.json(realmOf(c).mergeCustomers(b["fromId"] as string, b["intoId"] as string));
  });
  app.get("/realms/:realmId/faults", (c) => c.json(realmOf(c).listFaults()));
  app.post("/realms/:realmId/faults", async (c) => {
    realmOf(c).injectFault((await body(c)) as unknown as FaultRule);
    return c.json(realmOf(c).listFaults(), 201);
  });
  app.delete("/realms/:realmId/faults", (c) => {
    realmOf(c).clearFaults();
    return c.json([]);
  });
  app.post("/realms/:realmId/clock", async (c) => {
    const advance = (await body(c))["advanceMs"];
    if (typeof advance !== "number" || !(advance >= 0))
      return fail(c, 400, "invalid_request", "advanceMs must be a number ≥ 0");
    realmOf(c).advanceClock(advance);
    return c.json({ now: realmOf(c).now().toISOString() });
  });
  app.post("/realms/:realmId/revoke-tokens", (c) => {
    realmOf(c).revokeTokens();
    return c.json({ ok: true });
  });
  app.get("/realms/:realmId/requests", (c) => c.json(realmOf(c).requestLog));
  app.get("/realms/:realmId/entities/:entity", (c) => {
    const entity = ENTITY_NAMES.find((e) => e.toLowerCase() === (c.req.param("entity") ?? "").toLowerCase());
    if (!entity) return fail(c, 404, "not_found", `unknown entity ${c.req.param("entity")}`);
    return c.json(realmOf(c).list(entity as EntityName) as QboObject[]);
  });
  app.get("/realms/:realmId/view", (c) => c.html(renderRealm(realmOf(c), api.companyName(realmOf(c).id))));
  app.get("/webhooks", (c) =>
    c.json({ config: api.webhookConfig() ?? null, deliveries: api.webhookDeliveries() }),
  );
  app.put("/webhooks", async (c) => {
    const text = await c.req.text();
    const config = text.trim() === "" || text.trim() === "null" ? null : (JSON.parse(text) as WebhookConfig);
    api.configureWebhooks(config);
    return c.json({ config: api.webhookConfig() ?? null });
  });
  return app;
}
