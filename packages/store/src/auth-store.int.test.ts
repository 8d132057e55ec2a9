import { afterEach, describe, expect, it } from "vitest";
import { tokenHash, UserExistsError } from "./auth-store.js";
import { openDatabase } from "./open-database.js";
import { openStore, type Store } from "./store.js";
import { testDatabases } from "./test-databases.js";

describe.each(testDatabases())("API keys, users and sessions on $dialect", (database) => {
  const opened: Store[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });
  const open = async (config = database.fresh()) => {
    const s = await openStore(config);
    opened.push(s);
    await s.ensureCompany("acme", "Acme");
    await s.ensureCompany("other", "Other");
    return { store: s, config };
  };
  const t0 = "2026-03-01T10:00:00.000Z";
  const t1 = "2026-03-01T10:05:00.000Z";

  it("keeps only a hash of an API key, finds it by the key, and forgets it once revoked", async () => {
    const { store, config } = await open();
    const { key, record } = await store.auth.createApiKey({
      name: "billing app",
      role: "bookkeeper",
      companyId: "acme",
      createdBy: "admin@example.com",
      at: t0,
    });
    expect(key).toMatch(/^llk_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({
      name: "billing app",
      role: "bookkeeper",
      companyId: "acme",
      revokedAt: null,
    });
    expect(key.startsWith(record.prefix)).toBe(true);
    expect(record.prefix.length).toBeLessThan(12);

    const found = await store.auth.findApiKey(key, t1);
    expect(found).toMatchObject({ id: record.id, lastUsedAt: t1 });
    expect(await store.auth.findApiKey(`${key}x`, t1)).toBeUndefined();
    expect(await store.auth.findApiKey("not-a-key", t1)).toBeUndefined();

    // What the database holds: the hash, never the key.
    const { db, close } = await openDatabase(config);
    try {
      const rows = await db.selectFrom("api_keys").selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(key.slice(10));
      expect(rows[0]?.key_hash).toBe(tokenHash(key));
    } finally {
      await close();
    }

    expect(await store.auth.revokeApiKey(record.id, t1)).toBe(true);
    expect(await store.auth.revokeApiKey(record.id, t1)).toBe(false);
    expect(await store.auth.findApiKey(key, t1)).toBeUndefined();
    expect(await store.auth.listApiKeys({ companyId: "acme" })).toEqual([
      expect.objectContaining({ id: record.id, revokedAt: t1 }),
    ]);
    expect(await store.auth.listApiKeys({ companyId: "other" })).toEqual([]);
  });

  it("creates users once per email (any case), and sessions that expire, end, and die with the user", async () => {
    const { store } = await open();
    expect(await store.auth.countUsers()).toBe(0);
    const user = await store.auth.createUser({
      email: "Ann@Example.com",
      name: "Ann",
      passwordHash: "$argon2id$fake",
      role: "admin",
      companyId: null,
      at: t0,
    });
    expect(user.email).toBe("ann@example.com");
    await expect(
      store.auth.createUser({
        email: "ANN@example.com ",
        name: "Ann 2",
        passwordHash: "x",
        role: "read-only",
        companyId: null,
        at: t0,
      }),
    ).rejects.toBeInstanceOf(UserExistsError);
    expect(await store.auth.countUsers()).toBe(1);
    expect((await store.auth.findUserByEmail("ann@EXAMPLE.com"))?.passwordHash).toBe("$argon2id$fake");

    const s = await store.auth.createSession(user.id, t0, 60_000);
    expect(s.token).toMatch(/^lls_/);
    const live = await store.auth.findSession(s.token, t0);
    expect(live).toMatchObject({ user: { id: user.id }, csrfHash: tokenHash(s.csrfToken) });
    expect(await store.auth.findSession(s.token, "2026-03-01T10:01:00.000Z")).toBeUndefined();

    const s2 = await store.auth.createSession(user.id, t0, 3_600_000);
    await store.auth.endSession(s2.token);
    expect(await store.auth.findSession(s2.token, t0)).toBeUndefined();

    const s3 = await store.auth.createSession(user.id, t0, 3_600_000);
    await store.auth.updateUser(user.id, { role: "read-only" }, t1);
    expect((await store.auth.findSession(s3.token, t1))?.user.role).toBe("read-only");
    await store.auth.updateUser(user.id, { disabled: true }, t1);
    expect(await store.auth.findSession(s3.token, t1)).toBeUndefined();
    await store.auth.sweepSessions("2030-01-01T00:00:00.000Z");
    const left = await store.auth.findSession(s.token, t0);
    expect(left).toBeUndefined();
  });

  it("refuses an unknown role instead of storing it", async () => {
    const { store } = await open();
    await expect(
      store.auth.createApiKey({
        name: "x",
        role: "root" as "admin",
        companyId: null,
        createdBy: "t",
        at: t0,
      }),
    ).rejects.toThrow(/Unknown role "root"/);
    expect(await store.auth.listApiKeys()).toEqual([]);
  });
});
