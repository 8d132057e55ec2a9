import { afterEach, describe, expect, it } from "vitest";
import { LastAdminError, tokenHash, UserExistsError } from "./auth-store.js";
import { openDatabase, schemaMigrator } from "./open-database.js";
import { openStore, type Store } from "./store.js";
import { testDatabases } from "./test-databases.js";

// Each test opens a freshly migrated store: on PostgreSQL under a loaded CI machine that alone took 17 s.
describe.each(testDatabases())(
  "API keys, users and sessions on $dialect",
  { timeout: 120_000 },
  (database) => {
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
        role: "bookkeeper",
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
    it("logs every account change once, with who made it and never a secret; no-op changes log nothing", async () => {
      const { store, config } = await open();
      const ann = await store.auth.createUser({
        email: "ann@example.com",
        name: "Ann",
        passwordHash: "$argon2id$ann-hash",
        role: "admin",
        companyId: null,
        at: t0,
        by: "cli:root",
      });
      const bob = await store.auth.createUser({
        email: "bob@example.com",
        name: "Bob",
        passwordHash: "$argon2id$bob-hash",
        role: "bookkeeper",
        companyId: "acme",
        at: t0,
        by: ann.email,
      });
      const { key, record } = await store.auth.createApiKey({
        name: "billing app",
        role: "bookkeeper",
        companyId: "acme",
        createdBy: ann.email,
        at: t0,
      });
      await store.auth.updateUser(bob.id, { role: "read-only" }, t1, { by: ann.email });
      await store.auth.updateUser(bob.id, { role: "read-only", disabled: false }, t1, { by: ann.email });
      await store.auth.updateUser(bob.id, { disabled: true }, t1, { by: ann.email });
      await store.auth.updateUser(bob.id, { disabled: true }, t1, { by: ann.email });
      await store.auth.updateUser(bob.id, { disabled: false }, t1, { by: ann.email });
      await store.auth.updateUser(bob.id, { passwordHash: "$argon2id$bob-reset" }, t1, { by: ann.email });
      await store.auth.updateUser(bob.id, { passwordHash: "$argon2id$bob-own" }, t1, {
        by: bob.email,
        ownPassword: true,
      });
      expect(await store.auth.revokeApiKey(record.id, t1, ann.email)).toBe(true);
      expect(await store.auth.revokeApiKey(record.id, t1, ann.email)).toBe(false);

      const log = await store.auth.listAuthEvents({ limit: 100 });
      expect(log.map((e) => [e.action, e.actor, e.subject]).reverse()).toEqual([
        ["user.created", "cli:root", "ann@example.com"],
        ["user.created", "ann@example.com", "bob@example.com"],
        ["key.created", "ann@example.com", `billing app (${record.prefix}…)`],
        ["user.role_changed", "ann@example.com", "bob@example.com"],
        ["user.disabled", "ann@example.com", "bob@example.com"],
        ["user.enabled", "ann@example.com", "bob@example.com"],
        ["user.password_reset", "ann@example.com", "bob@example.com"],
        ["user.password_changed", "bob@example.com", "bob@example.com"],
        ["key.revoked", "ann@example.com", `billing app (${record.prefix}…)`],
      ]);
      expect(log.find((e) => e.action === "user.role_changed")).toMatchObject({
        subjectId: bob.id,
        companyId: "acme",
        detail: { before: "bookkeeper", after: "read-only" },
      });
      expect(await store.auth.listAuthEvents({ limit: 100, subjectId: record.id })).toHaveLength(2);
      expect(await store.auth.listAuthEvents({ limit: 2 })).toHaveLength(2);
      // The table itself: no hash, no key.
      const { db, close } = await openDatabase(config);
      try {
        const rows = JSON.stringify(await db.selectFrom("auth_events").selectAll().execute());
        for (const secret of ["argon2id", key.slice(10), tokenHash(key)]) expect(rows).not.toContain(secret);
      } finally {
        await close();
      }
    });

    it("a new password ends the user's other sessions (keeping the one asked to), disabling ends all", async () => {
      const { store } = await open();
      const user = await store.auth.createUser({
        email: "cy@example.com",
        name: "Cy",
        passwordHash: "$argon2id$old",
        role: "bookkeeper",
        companyId: null,
        at: t0,
      });
      const mine = await store.auth.createSession(user.id, t0, 3_600_000);
      const other = await store.auth.createSession(user.id, t0, 3_600_000);
      await store.auth.updateUser(user.id, { passwordHash: "$argon2id$new" }, t1, {
        ownPassword: true,
        keepSession: mine.token,
      });
      expect(await store.auth.findSession(mine.token, t1)).toBeDefined();
      expect(await store.auth.findSession(other.token, t1)).toBeUndefined();
      expect((await store.auth.findUserByEmail(user.email))?.passwordHash).toBe("$argon2id$new");
      // An admin's reset keeps nothing of the user's.
      await store.auth.updateUser(user.id, { passwordHash: "$argon2id$reset" }, t1, { by: "admin@x" });
      expect(await store.auth.findSession(mine.token, t1)).toBeUndefined();
      const again = await store.auth.createSession(user.id, t1, 3_600_000);
      await store.auth.updateUser(user.id, { disabled: true }, t1);
      expect(await store.auth.findSession(again.token, t1)).toBeUndefined();
      expect(await store.auth.findUser("CY@example.com")).toMatchObject({ id: user.id, disabledAt: t1 });
      expect(await store.auth.findUser(user.id)).toMatchObject({ email: "cy@example.com" });
      expect(await store.auth.findUser("nobody@example.com")).toBeUndefined();
      expect(await store.auth.updateUser("no-such-id", { disabled: true }, t1)).toBeUndefined();
    });

    it("refuses to disable, demote or narrow the last operator-wide admin who can sign in, and changes nothing", async () => {
      const { store } = await open();
      const only = await store.auth.createUser({
        email: "root@example.com",
        name: "Root",
        passwordHash: "$argon2id$x",
        role: "admin",
        companyId: null,
        at: t0,
      });
      // A company's admin does not count: they cannot manage accounts.
      await store.auth.createUser({
        email: "acme-admin@example.com",
        name: "Acme admin",
        passwordHash: "$argon2id$x",
        role: "admin",
        companyId: "acme",
        at: t0,
      });
      await expect(store.auth.updateUser(only.id, { disabled: true }, t1)).rejects.toBeInstanceOf(
        LastAdminError,
      );
      await expect(store.auth.updateUser(only.id, { role: "bookkeeper" }, t1)).rejects.toThrow(
        /root@example\.com is the last operator-wide admin/,
      );
      await expect(store.auth.updateUser(only.id, { companyId: "acme" }, t1)).rejects.toBeInstanceOf(
        LastAdminError,
      );
      expect(await store.auth.getUser(only.id)).toMatchObject({
        role: "admin",
        disabledAt: null,
        companyId: null,
      });
      expect((await store.auth.listAuthEvents({ limit: 10 })).map((e) => e.action)).toEqual([
        "user.created",
        "user.created",
      ]);
      const second = await store.auth.createUser({
        email: "second@example.com",
        name: "Second",
        passwordHash: "$argon2id$x",
        role: "admin",
        companyId: null,
        at: t0,
      });
      // With a second, the first may be narrowed to one company (logged with both scopes), then disabled.
      expect(await store.auth.updateUser(only.id, { companyId: "acme" }, t1)).toMatchObject({
        companyId: "acme",
      });
      expect((await store.auth.listAuthEvents({ limit: 1 }))[0]).toMatchObject({
        action: "user.scope_changed",
        subject: "root@example.com",
        detail: { before: null, after: "acme" },
      });
      expect(await store.auth.updateUser(only.id, { disabled: true }, t1)).toMatchObject({ disabledAt: t1 });
      await expect(store.auth.updateUser(second.id, { role: "read-only" }, t1)).rejects.toBeInstanceOf(
        LastAdminError,
      );
    });

    it("marks a user whose password someone else chose until they choose their own, and logs both", async () => {
      const { store } = await open();
      const person = (email: string, mustChangePassword?: boolean) =>
        store.auth.createUser({
          email,
          name: email.split("@")[0]!,
          passwordHash: "$argon2id$temporary",
          role: "bookkeeper",
          companyId: "acme",
          at: t0,
          by: "admin@example.com",
          ...(mustChangePassword === undefined ? {} : { mustChangePassword }),
        });
      const dan = await person("dan@example.com", true);
      expect(dan.mustChangePassword).toBe(true);
      // Their own choice (the default): not marked.
      expect((await person("own@example.com")).mustChangePassword).toBe(false);
      expect((await person("own2@example.com", false)).mustChangePassword).toBe(false);

      // Sessions carry the mark, so the request path needs no second query.
      const s = await store.auth.createSession(dan.id, t0, 3_600_000);
      expect((await store.auth.findSession(s.token, t0))?.user.mustChangePassword).toBe(true);
      expect((await store.auth.findUserByEmail(dan.email))?.user.mustChangePassword).toBe(true);
      expect((await store.auth.listUsers()).find((u) => u.id === dan.id)?.mustChangePassword).toBe(true);

      // Changing the role or disabling is no new password: the mark stays.
      expect((await store.auth.updateUser(dan.id, { role: "read-only" }, t1))?.mustChangePassword).toBe(true);

      const own = await store.auth.updateUser(dan.id, { passwordHash: "$argon2id$dans-own" }, t1, {
        by: dan.email,
        ownPassword: true,
        keepSession: s.token,
      });
      expect(own?.mustChangePassword).toBe(false);
      expect((await store.auth.findSession(s.token, t1))?.user.mustChangePassword).toBe(false);

      // An admin's reset marks them again; a second own change is logged without the note.
      const reset = await store.auth.updateUser(dan.id, { passwordHash: "$argon2id$reset" }, t1, {
        by: "admin@example.com",
      });
      expect(reset?.mustChangePassword).toBe(true);
      await store.auth.updateUser(dan.id, { passwordHash: "$argon2id$dans-2" }, t1, {
        by: dan.email,
        ownPassword: true,
      });
      await store.auth.updateUser(dan.id, { passwordHash: "$argon2id$dans-3" }, t1, {
        by: dan.email,
        ownPassword: true,
      });
      // An operator who sets a password they chose themselves (at the terminal) says so.
      const chosen = await store.auth.updateUser(
        dan.id,
        { passwordHash: "$argon2id$typed", mustChangePassword: false },
        t1,
        { by: "cli:root" },
      );
      expect(chosen?.mustChangePassword).toBe(false);

      const log = await store.auth.listAuthEvents({ limit: 20, subjectId: dan.id });
      expect(log.map((e) => [e.action, e.actor, e.detail]).reverse()).toEqual([
        ["user.created", "admin@example.com", { role: "bookkeeper", name: "dan", mustChangePassword: true }],
        ["user.role_changed", "system", { before: "bookkeeper", after: "read-only" }],
        ["user.password_changed", dan.email, { replacedTemporary: true }],
        ["user.password_reset", "admin@example.com", { mustChangePassword: true }],
        ["user.password_changed", dan.email, { replacedTemporary: true }],
        ["user.password_changed", dan.email, {}],
        ["user.password_reset", "cli:root", {}],
      ]);
    });

    it("leaves the users of a database made before the mark unmarked when it migrates", async () => {
      const config = database.fresh();
      const { db, dialect, close } = await openDatabase({ ...config, migrate: false });
      try {
        const before = await schemaMigrator(db, dialect, config).migrateTo("0013-auth-events");
        expect(before.error).toBeUndefined();
        await db
          .insertInto("users")
          .values({
            id: "u-old",
            email: "old@example.com",
            name: "Old",
            password_hash: "$argon2id$old",
            role: "admin",
            company_id: null,
            created_at: t0,
            disabled_at: null,
          } as never) // the row as 0013 left the table: no must_change_password yet
          .execute();
      } finally {
        await close();
      }
      const { store } = await open(config);
      expect(await store.auth.getUser("u-old")).toMatchObject({
        email: "old@example.com",
        mustChangePassword: false,
      });
    });
  },
);
