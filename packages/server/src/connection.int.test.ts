import { systemClock } from "@ledgerlink/core";
import { createEmulator } from "@ledgerlink/emulator";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { ConnectionService } from "./connection-service.js";
import { authorized } from "../test/authorized-app.js";

describe.each(testDatabases())(
  "connection lifecycle against the emulator over HTTP ($dialect)",
  (database) => {
    const emu = createEmulator();
    let emulator: Awaited<ReturnType<typeof emu.listen>>;
    let store: Store;
    let app: ReturnType<typeof createApp>;
    let connections: ConnectionService;

    beforeAll(async () => {
      emulator = await emu.listen({ port: 0, host: "127.0.0.1" });
      store = await openStore(database.fresh());
      await store.ensureCompany("acme", "Acme Plumbing");
      await store.ensureCompany("other", "Other Co");
      const config = loadConfig({
        LEDGERLINK_COMPANY: "acme",
        QBO_BASE_URL: emulator.url,
        LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 7).toString("base64"),
      });
      connections = new ConnectionService({ store, config, clock: systemClock });
      app = authorized(createApp({ config, store, connections, clock: systemClock }), store);
    });
    afterAll(async () => {
      await store?.close();
      await emulator?.close();
    });

    /** Press Connect in "a browser" (a cookie jar of one cookie) and follow Intuit's redirect. */
    async function pressConnect(company = "acme") {
      const res = await app.request(`/api/v1/companies/${company}/connection/connect`, { method: "POST" });
      expect(res.status).toBe(200);
      const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
      const { authorizeUrl } = (await res.json()) as { authorizeUrl: string };
      const url = new URL(authorizeUrl);
      expect(url.searchParams.get("code_challenge_method")).toBe("S256");
      expect(url.searchParams.get("scope")).toBe("com.intuit.quickbooks.accounting");
      const consent = await fetch(authorizeUrl, { redirect: "manual" });
      expect(consent.status).toBe(302);
      const callback = new URL(consent.headers.get("location")!);
      return { cookie, callback: `${callback.pathname}${callback.search}` };
    }

    it("connects through the OAuth authorization-code flow and captures the realm", async () => {
      expect(
        ((await (await app.request("/api/v1/companies/acme/connection")).json()) as { state: string }).state,
      ).toBe("disconnected");
      const { cookie, callback } = await pressConnect();
      const done = await app.request(callback, { headers: { cookie } });
      expect(done.status).toBe(302);
      expect(done.headers.get("location")).toBe("/?connected=acme");
      const status = (await (await app.request("/api/v1/companies/acme/connection")).json()) as Record<
        string,
        unknown
      >;
      expect(status).toMatchObject({ state: "connected", realmId: emu.defaultRealmId, enabled: true });
      // The grant is sealed at rest: no token appears in the stored row.
      const vault = await store.connections.load("acme");
      expect(vault?.sealedGrant).toBeTruthy();
      expect(vault!.sealedGrant).not.toMatch(/access|refresh|Bearer/i);
      // And the client works: a write reaches the emulator.
      const client = await connections.clientFor("acme");
      const created = await client.createCustomer(
        { DisplayName: "Connected Co" },
        { requestId: "conn-test-1" },
      );
      expect(created.Id).toBeTruthy();
    });

    it("refuses a replayed callback, and one from another browser session", async () => {
      const first = await pressConnect();
      const replayOk = await app.request(first.callback, { headers: { cookie: first.cookie } });
      expect(replayOk.status).toBe(302);
      const replay = await app.request(first.callback, { headers: { cookie: first.cookie } });
      expect(replay.status).toBe(400);
      expect(((await replay.json()) as { error: { code: string } }).error.code).toBe("invalid_state");

      const second = await pressConnect();
      const otherBrowser = await app.request(second.callback, {
        headers: { cookie: "ll_oauth_session=someone-else" },
      });
      expect(otherBrowser.status).toBe(400);
      const noCookie = await app.request(second.callback);
      expect(noCookie.status).toBe(400);
    });

    it("connects a realm to one company only", async () => {
      const { cookie, callback } = await pressConnect("other");
      const res = await app.request(callback, { headers: { cookie } });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("realm_already_connected");
    });

    it("saves the Enable toggle and settings on Submit, naming a bad field", async () => {
      const put = (body: unknown) =>
        app.request("/api/v1/companies/acme/connection", {
          method: "PUT",
          body: JSON.stringify(body),
          headers: { "content-type": "application/json" },
        });
      const off = await put({ enabled: false, settings: { schedule: "nightly" } });
      expect(off.status).toBe(200);
      expect(await off.json()).toMatchObject({
        state: "disabled",
        enabled: false,
        settings: { schedule: "nightly" },
      });
      const bad = await put({ enabled: "yes" });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({
        error: { code: "invalid_settings", details: { field: "enabled" } },
      });
      expect((await put({ enabled: true, settings: {} })).status).toBe(200);
    });

    it("disconnects by revoking the grant at Intuit", async () => {
      const client = await connections.clientFor("acme");
      const res = await app.request("/api/v1/companies/acme/connection/disconnect", { method: "POST" });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ state: "disconnected", revoked: true });
      // The old client's token no longer works at the emulator.
      await expect(
        client.createCustomer({ DisplayName: "After Disconnect" }, { requestId: "conn-test-2" }),
      ).rejects.toMatchObject({
        category: "auth",
      });
      await expect(connections.clientFor("acme")).rejects.toMatchObject({ code: "not_connected" });
    });
  },
);
