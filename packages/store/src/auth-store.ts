import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { toBool } from "./company-store.js";
import { newId } from "./ids.js";
import type { Database } from "./schema.js";

/** What a principal may do: admin (everything), bookkeeper (fix, sync, review), read-only (look). */
export const roles = ["admin", "bookkeeper", "read-only"] as const;
export type Role = (typeof roles)[number];

export const isRole = (v: string): v is Role => (roles as readonly string[]).includes(v);

/** Keys and session tokens are 32 random bytes: a plain SHA-256 is enough to keep them at rest. */
export const tokenHash = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

const randomToken = (prefix: string) => `${prefix}${randomBytes(32).toString("base64url")}`;

/** Integrator API keys start with `llk_`, session tokens with `lls_` (so logs can scrub both). */
export const apiKeyPrefix = "llk_";
export const sessionTokenPrefix = "lls_";

export interface ApiKeyRecord {
  id: string;
  /** `llk_` and the first characters, to tell keys apart; never enough to use. */
  prefix: string;
  name: string;
  role: Role;
  /** null: operator-wide (every company). */
  companyId: string | null;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  role: Role;
  companyId: string | null;
  createdAt: string;
  disabledAt: string | null;
  /**
   * Someone else chose their password (an admin's temporary one or reset, a generated first admin):
   * until they choose their own, their sessions may only say who they are, change it, and sign out.
   */
  mustChangePassword: boolean;
}

export interface SessionRecord {
  user: UserRecord;
  /** SHA-256 of the session's CSRF token (the client sends the token in a header). */
  csrfHash: string;
  expiresAt: string;
}

export class UserExistsError extends Error {
  override readonly name = "UserExistsError";
  constructor(readonly email: string) {
    super(`A user with email "${email}" already exists`);
  }
}

/** Disabling or demoting them would leave nobody who can sign in and manage accounts. */
export class LastAdminError extends Error {
  override readonly name = "LastAdminError";
  constructor(readonly email: string) {
    super(
      `${email} is the last operator-wide admin who can sign in; make another admin first, then change this one`,
    );
  }
}

/** What the account log records; never a password, hash, key or token. */
export const authActions = [
  "user.created",
  "user.role_changed",
  "user.scope_changed",
  "user.disabled",
  "user.enabled",
  "user.password_changed",
  "user.password_reset",
  "key.created",
  "key.revoked",
] as const;
export type AuthAction = (typeof authActions)[number];

export interface AuthEvent {
  id: string;
  at: string;
  /** Who made the change: a user's email, `key:<name>`, `cli:<login>`, `system`. */
  actor: string;
  action: AuthAction;
  /** The user's or the key's id. */
  subjectId: string;
  /** The user's email, or the key's name and prefix. */
  subject: string;
  /** The account's company scope (null: operator-wide). */
  companyId: string | null;
  detail: Record<string, unknown>;
}

export class UnknownRoleError extends Error {
  override readonly name = "UnknownRoleError";
  constructor(readonly role: string) {
    super(`Unknown role "${role}" (admin, bookkeeper or read-only)`);
  }
}

type KeyRow = Database["api_keys"];
type UserRow = Database["users"];
type EventRow = Database["auth_events"];

function roleOf(v: string): Role {
  if (!isRole(v)) throw new UnknownRoleError(v);
  return v;
}

/** Everything of a key but its hash, which never leaves the store's lookups. */
const apiKeyColumns = [
  "id",
  "prefix",
  "name",
  "role",
  "company_id",
  "created_by",
  "created_at",
  "last_used_at",
  "revoked_at",
] as const;

const keyRecord = (r: Omit<KeyRow, "key_hash">): ApiKeyRecord => ({
  id: r.id,
  prefix: r.prefix,
  name: r.name,
  role: roleOf(r.role),
  companyId: r.company_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

const userRecord = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: roleOf(r.role),
  companyId: r.company_id,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
  mustChangePassword: toBool(r.must_change_password),
});

const keySubject = (k: { name: string; prefix: string }) => `${k.name} (${k.prefix}…)`;

/** Writes one account-log row; pass the transaction of the change it records. */
async function logAuthEvent(
  db: Kysely<Database>,
  e: Omit<AuthEvent, "id" | "detail"> & { detail?: Record<string, unknown> },
): Promise<void> {
  const row: EventRow = {
    id: newId(),
    at: e.at,
    actor: e.actor,
    action: e.action,
    subject_id: e.subjectId,
    subject: e.subject,
    company_id: e.companyId,
    detail: JSON.stringify(e.detail ?? {}),
  };
  await db.insertInto("auth_events").values(row).execute();
}

const eventRecord = (r: EventRow): AuthEvent => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  action: r.action as AuthAction,
  subjectId: r.subject_id,
  subject: r.subject,
  companyId: r.company_id,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});

/** Someone who can sign in and manage accounts: an enabled, operator-wide admin. */
const isOperatorAdmin = (r: Pick<UserRow, "role" | "company_id" | "disabled_at">) =>
  r.role === "admin" && r.company_id === null && r.disabled_at === null;

/** How stale `last_used_at` may get before a request writes it again (not one write per request). */
const lastUsedResolutionMs = 60_000;

/**
 * API keys, users and sessions: operator-level tables (a principal may span companies), so they live
 * beside the connections rather than under `company(id)`. Secrets are stored only as hashes; the
 * plain key or token is returned once, when made. Every change to a user or a key writes an entry of
 * the account log (`listAuthEvents`) in the same transaction, naming who made it.
 */
export class AuthStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** A new key; `createdBy` is also the account log's actor. */
  async createApiKey(input: {
    name: string;
    role: Role;
    companyId: string | null;
    createdBy: string;
    at: string;
  }): Promise<{ key: string; record: ApiKeyRecord }> {
    roleOf(input.role);
    const key = randomToken(apiKeyPrefix);
    const row: KeyRow = {
      id: newId(),
      key_hash: tokenHash(key),
      prefix: key.slice(0, apiKeyPrefix.length + 6),
      name: input.name,
      role: input.role,
      company_id: input.companyId,
      created_by: input.createdBy,
      created_at: input.at,
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto("api_keys").values(row).execute();
      await logAuthEvent(trx, {
        at: input.at,
        actor: input.createdBy,
        action: "key.created",
        subjectId: row.id,
        subject: keySubject(row),
        companyId: row.company_id,
        detail: { role: row.role },
      });
    });
    return { key, record: keyRecord(row) };
  }

  /** The live key `key` is (revoked and unknown keys: undefined); notes when it was last used. */
  async findApiKey(key: string, at: string): Promise<ApiKeyRecord | undefined> {
    if (!key.startsWith(apiKeyPrefix)) return undefined;
    const row = await this.db
      .selectFrom("api_keys")
      .selectAll()
      .where("key_hash", "=", tokenHash(key))
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.last_used_at === null || Date.parse(at) - Date.parse(row.last_used_at) > lastUsedResolutionMs) {
      await this.db.updateTable("api_keys").set({ last_used_at: at }).where("id", "=", row.id).execute();
      row.last_used_at = at;
    }
    return keyRecord(row);
  }

  /** Every key (revoked ones too), newest first; `companyId` narrows to one company's keys. */
  async listApiKeys(filter: { companyId?: string } = {}): Promise<ApiKeyRecord[]> {
    let q = this.db.selectFrom("api_keys").select(apiKeyColumns).orderBy("id", "desc");
    if (filter.companyId !== undefined) q = q.where("company_id", "=", filter.companyId);
    return (await q.execute()).map(keyRecord);
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db
      .selectFrom("api_keys")
      .select(apiKeyColumns)
      .where("id", "=", id)
      .executeTakeFirst();
    return row === undefined ? undefined : keyRecord(row);
  }

  /** Revokes the key at once (its next request is refused); false when there is no such live key. */
  async revokeApiKey(id: string, at: string, actor = "system"): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable("api_keys")
        .set({ revoked_at: at })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      const key = await trx
        .selectFrom("api_keys")
        .select(["name", "prefix", "company_id", "role"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      await logAuthEvent(trx, {
        at,
        actor,
        action: "key.revoked",
        subjectId: id,
        subject: keySubject(key),
        companyId: key.company_id,
        detail: { role: key.role },
      });
      return true;
    });
  }

  async countUsers(): Promise<number> {
    const r = await this.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** A new user; the email is compared case-insensitively (UserExistsError when taken). */
  async createUser(input: {
    email: string;
    name: string;
    passwordHash: string;
    role: Role;
    companyId: string | null;
    at: string;
    /** Who creates them, for the account log (`system` when absent). */
    by?: string;
    /**
     * True when the password is not the person's own choice (an admin's temporary password, a generated
     * one): they must choose their own at first sign-in. False (the default) when they chose it.
     */
    mustChangePassword?: boolean;
  }): Promise<UserRecord> {
    roleOf(input.role);
    const email = input.email.trim().toLowerCase();
    if (await this.findUserByEmail(email)) throw new UserExistsError(email);
    const row: UserRow = {
      id: newId(),
      email,
      name: input.name,
      password_hash: input.passwordHash,
      role: input.role,
      company_id: input.companyId,
      created_at: input.at,
      disabled_at: null,
      must_change_password: input.mustChangePassword === true ? 1 : 0,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto("users").values(row).execute();
        await logAuthEvent(trx, {
          at: input.at,
          actor: input.by ?? "system",
          action: "user.created",
          subjectId: row.id,
          subject: email,
          companyId: row.company_id,
          detail: {
            role: row.role,
            name: row.name,
            ...(input.mustChangePassword === true ? { mustChangePassword: true } : {}),
          },
        });
      });
    } catch (err) {
      // Two creators racing: the unique index decides.
      if (await this.findUserByEmail(email)) throw new UserExistsError(email);
      throw err;
    }
    return userRecord(row);
  }

  /** The user and their password hash, for a login check. */
  async findUserByEmail(email: string): Promise<{ user: UserRecord; passwordHash: string } | undefined> {
    const row = await this.db
      .selectFrom("users")
      .selectAll()
      .where("email", "=", email.trim().toLowerCase())
      .executeTakeFirst();
    return row ? { user: userRecord(row), passwordHash: row.password_hash } : undefined;
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? userRecord(row) : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.db.selectFrom("users").selectAll().orderBy("email").execute()).map(userRecord);
  }

  /** The user with this email, or else this id. */
  async findUser(emailOrId: string): Promise<UserRecord | undefined> {
    return (await this.findUserByEmail(emailOrId))?.user ?? (await this.getUser(emailOrId.trim()));
  }

  /**
   * Changes a user's role, disables or enables them, or sets their password, and logs each change
   * made (a value set to what it already was is no change). Disabling ends every session of theirs; a
   * new password ends every one but `keepSession` (the session of a user changing their own). A password
   * set by someone else (a reset) marks the user to choose their own at their next sign-in; their own
   * (`ownPassword`) clears the mark. Refuses (LastAdminError) to disable or demote the last
   * operator-wide admin who can sign in.
   */
  async updateUser(
    id: string,
    change: {
      role?: Role;
      /** The one company the user sees, or null for every company. */
      companyId?: string | null;
      disabled?: boolean;
      passwordHash?: string;
      /**
       * With `passwordHash`: whether they must choose their own at sign-in. Default: not when it is
       * their own (`ownPassword`), else yes. An operator resetting their own at the terminal says false.
       */
      mustChangePassword?: boolean;
    },
    at: string,
    opts: {
      /** Who makes the change, for the account log (`system` when absent). */
      by?: string;
      /** The user sets their own password (logged as changed, not reset). */
      ownPassword?: boolean;
      /** The session token to keep when the password changes. */
      keepSession?: string;
    } = {},
  ): Promise<UserRecord | undefined> {
    if (change.role !== undefined) roleOf(change.role);
    const found = await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
      if (!row) return false;
      const set: Partial<UserRow> = {};
      const events: Array<{ action: AuthAction; detail?: Record<string, unknown> }> = [];
      if (change.role !== undefined && change.role !== row.role) {
        set.role = change.role;
        events.push({ action: "user.role_changed", detail: { before: row.role, after: change.role } });
      }
      if (change.companyId !== undefined && change.companyId !== row.company_id) {
        set.company_id = change.companyId;
        events.push({
          action: "user.scope_changed",
          detail: { before: row.company_id, after: change.companyId },
        });
      }
      if (change.disabled === true && row.disabled_at === null) {
        set.disabled_at = at;
        events.push({ action: "user.disabled" });
      } else if (change.disabled === false && row.disabled_at !== null) {
        set.disabled_at = null;
        events.push({ action: "user.enabled" });
      }
      if (change.passwordHash !== undefined) {
        const mustChange = change.mustChangePassword ?? opts.ownPassword !== true;
        set.password_hash = change.passwordHash;
        set.must_change_password = mustChange ? 1 : 0;
        // The log says when a temporary password gave way to one only its user knows.
        const replacedTemporary = opts.ownPassword === true && toBool(row.must_change_password);
        const detail = mustChange
          ? { mustChangePassword: true }
          : replacedTemporary
            ? { replacedTemporary: true }
            : undefined;
        events.push({
          action: opts.ownPassword ? "user.password_changed" : "user.password_reset",
          ...(detail === undefined ? {} : { detail }),
        });
      }
      if (isOperatorAdmin(row) && !isOperatorAdmin({ ...row, ...set })) {
        const others = await trx
          .selectFrom("users")
          .select("id")
          .where("role", "=", "admin")
          .where("company_id", "is", null)
          .where("disabled_at", "is", null)
          .where("id", "!=", id)
          .executeTakeFirst();
        if (others === undefined) throw new LastAdminError(row.email);
      }
      if (Object.keys(set).length > 0) await trx.updateTable("users").set(set).where("id", "=", id).execute();
      for (const e of events)
        await logAuthEvent(trx, {
          at,
          actor: opts.by ?? "system",
          action: e.action,
          subjectId: id,
          subject: row.email,
          companyId: row.company_id,
          ...(e.detail === undefined ? {} : { detail: e.detail }),
        });
      if (set.disabled_at !== undefined && set.disabled_at !== null) await endSessions(trx, id);
      else if (change.passwordHash !== undefined) await endSessions(trx, id, opts.keepSession);
      return true;
    });
    return found ? this.getUser(id) : undefined;
  }

  /** The account log, newest first; `subjectId` narrows it to one user or key. */
  async listAuthEvents(opts: { limit: number; subjectId?: string }): Promise<AuthEvent[]> {
    let q = this.db.selectFrom("auth_events").selectAll();
    if (opts.subjectId !== undefined) q = q.where("subject_id", "=", opts.subjectId);
    return (await q.orderBy("id", "desc").limit(opts.limit).execute()).map(eventRecord);
  }

  /** A new session for the user: the cookie token and the CSRF token, returned once. */
  async createSession(
    userId: string,
    at: string,
    ttlMs: number,
  ): Promise<{ token: string; csrfToken: string; expiresAt: string }> {
    const token = randomToken(sessionTokenPrefix);
    const csrfToken = randomBytes(32).toString("base64url");
    const expiresAt = new Date(Date.parse(at) + ttlMs).toISOString();
    await this.db
      .insertInto("sessions")
      .values({
        token_hash: tokenHash(token),
        user_id: userId,
        csrf_hash: tokenHash(csrfToken),
        created_at: at,
        expires_at: expiresAt,
      })
      .execute();
    return { token, csrfToken, expiresAt };
  }

  /** The live session of `token` (expired sessions and disabled users: undefined). */
  async findSession(token: string, at: string): Promise<SessionRecord | undefined> {
    if (!token.startsWith(sessionTokenPrefix)) return undefined;
    const row = await this.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .selectAll("users")
      .select(["sessions.csrf_hash", "sessions.expires_at"])
      .where("sessions.token_hash", "=", tokenHash(token))
      .executeTakeFirst();
    if (!row || row.expires_at <= at || row.disabled_at !== null) return undefined;
    return { user: userRecord(row), csrfHash: row.csrf_hash, expiresAt: row.expires_at };
  }

  async endSession(token: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("token_hash", "=", tokenHash(token)).execute();
  }

  /** Ends every session of the user, but `exceptToken`'s when given. */
  async endUserSessions(userId: string, exceptToken?: string): Promise<void> {
    await endSessions(this.db, userId, exceptToken);
  }

  /** Drops expired sessions (the login path calls it now and then). */
  async sweepSessions(at: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("expires_at", "<=", at).execute();
  }
}

async function endSessions(db: Kysely<Database>, userId: string, exceptToken?: string): Promise<void> {
  let q = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (exceptToken !== undefined) q = q.where("token_hash", "!=", tokenHash(exceptToken));
  await q.execute();
}
