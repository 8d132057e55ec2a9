import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./store.js";
import { testDatabases } from "./test-databases.js";

describe.each(testDatabases())("connections and token vault on $dialect", (database) => {
  const opened: Store[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });
  const open = async (config = database.fresh()) => {
    const s = await openStore(config);
    opened.push(s);
    await s.ensureCompany("acme", "Acme");
    return { store: s, config };
  };

  it("saves settings and the sealed grant separately, and forgets the grant on remove", async () => {
    const { store } = await open();
    await store.connections.saveSettings("acme", true, { schedule: "nightly" }, "t1");
    await store.connections.save("acme", { sealedGrant: "sealed:abc", needsReconnect: null });
    await store.connections.setRealm("acme", "9130", "t2");
    expect(await store.connections.get("acme")).toMatchObject({
      enabled: true,
      realmId: "9130",
      hasGrant: true,
      settings: { schedule: "nightly" },
    });
    expect(await store.connections.companiesForRealm("9130")).toEqual(["acme"]);
    expect(await store.connections.companiesForRealm("404")).toEqual([]);
    await store.connections.save("acme", {
      sealedGrant: "sealed:abc",
      needsReconnect: { reason: "revoked", at: "t3" },
    });
    expect(await store.connections.load("acme")).toEqual({
      sealedGrant: "sealed:abc",
      needsReconnect: { reason: "revoked", at: "t3" },
    });
    await store.connections.remove("acme");
    expect(await store.connections.load("acme")).toBeUndefined();
    expect((await store.connections.get("acme"))?.settings).toEqual({ schedule: "nightly" });
  });

  it("runs one refresh at a time per company across two processes' connections", async () => {
    const first = await open();
    // A second, independent connection to the same database stands in for another worker process.
    const { store: second } = await open(first.config);
    const events: string[] = [];
    const critical = (who: string) => async () => {
      events.push(`${who} in`);
      await new Promise((r) => setTimeout(r, 60));
      events.push(`${who} out`);
      return who;
    };
    const results = await Promise.all([
      first.store.connections.withRefreshLock("acme", critical("a")),
      second.connections.withRefreshLock("acme", critical("b")),
    ]);
    expect(results.sort()).toEqual(["a", "b"]);
    // Never interleaved: each "in" is followed by its own "out".
    expect(events[0]!.split(" ")[0]).toBe(events[1]!.split(" ")[0]);
    expect(events[2]!.split(" ")[0]).toBe(events[3]!.split(" ")[0]);
  }, 120_000); // two migrated stores on PostgreSQL: past 30 s on a loaded CI machine

  it("takes a pending authorization once, only from the session that started it", async () => {
    const { store } = await open();
    const now = new Date("2026-11-21T10:00:00Z");
    const save = (state: string, nonce: string) =>
      store.connections.savePendingAuthorization({
        state,
        companyId: "acme",
        sessionNonce: nonce,
        sealedVerifier: "v",
        at: now.toISOString(),
      });
    await save("state-1", "browser-1");
    expect(await store.connections.takePendingAuthorization("state-1", "browser-2", now)).toBeUndefined();
    // The wrong session burnt it: it cannot be retried.
    expect(await store.connections.takePendingAuthorization("state-1", "browser-1", now)).toBeUndefined();
    await save("state-2", "browser-1");
    expect(await store.connections.takePendingAuthorization("state-2", "browser-1", now)).toEqual({
      companyId: "acme",
      sealedVerifier: "v",
    });
    expect(await store.connections.takePendingAuthorization("state-2", "browser-1", now)).toBeUndefined();
    await save("state-3", "browser-1");
    const later = new Date(now.getTime() + 11 * 60_000);
    expect(await store.connections.takePendingAuthorization("state-3", "browser-1", later)).toBeUndefined();
  });
});
