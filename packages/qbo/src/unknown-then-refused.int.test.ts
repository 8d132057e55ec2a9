import { createEmulator, type EmulatorServer } from "@ledgerlink/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQboClient } from "./qbo-client.js";
import { QboAuthError } from "./qbo-error.js";
import { qboWritePort } from "./qbo-write-port.js";
import { select } from "./query-builder.js";

/**
 * A write whose answer was lost (QBO carried it out), retried after the grant was revoked: the last try
 * says 401 and the refresh is refused, but the write may well have run. Found by the chaos run (seeds
 * 220200340, 220208259): such writes were failed with an auth error, planned afresh after the reconnect
 * under a new requestid, and QBO answered 6140 for invoices it already had, leaving them unlinked.
 */
describe("a write whose answer was lost, then refused on its retry", () => {
  const emulator = createEmulator();
  let server: EmulatorServer;
  beforeAll(async () => {
    server = await emulator.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => server?.close());

  it("is an unknown outcome that needs a reconnect, not a failure", async () => {
    const realm = emulator.createRealm({ companyName: "Lost answer" });
    let revoked = false;
    const client = createQboClient({
      baseUrl: server.url,
      realmId: realm.id,
      getAccessToken: async () => {
        if (revoked)
          throw new QboAuthError({
            message: "the grant was revoked (invalid_grant)",
            reason: "needs-reconnect",
          });
        return emulator.issueAccessToken(realm.id);
      },
      sleep: async () => undefined,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (!revoked && String(input).includes("/customer")) {
          // QBO wrote it; the answer never arrives, and the user disconnects the app meanwhile.
          revoked = true;
          realm.revokeTokens();
          throw new TypeError("fetch failed: socket hang up");
        }
        return res;
      },
    });
    const result = await qboWritePort(client).write({
      key: "lost-answer-g1",
      entity: "Customer",
      operation: "create",
      payload: { DisplayName: "Lost Answer Ltd" },
    });
    // The last answer was the refused grant (the client retried the lost one)...
    expect(result).toMatchObject({ ok: false, needsReconnect: true, failure: { category: "auth" } });
    // ...but the first try may have run: the engine keeps it "sent" and re-sends it identically.
    expect(result).toMatchObject({ outcomeUnknown: true });
    // It did run, once: re-sending it under the same requestid after the reconnect links it.
    const token = emulator.issueAccessToken(realm.id);
    const reader = createQboClient({
      baseUrl: server.url,
      realmId: realm.id,
      getAccessToken: async () => token,
    });
    expect(
      await reader.queryAll(select("Customer").where("DisplayName", "=", "Lost Answer Ltd")),
    ).toHaveLength(1);
  });
});
