import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
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

export class UnknownRoleError extends Error {
  override readonly name = "UnknownRoleError";
  constructor(readonly role: string) {
    super(`Unknown role "${role}" (admin, bookkeeper or read-only)`);
  }
}

type KeyRow = Database["api_keys"];
type UserRow = Database["users"];

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
});

/** How stale `last_used_at` may get before a request writes it again (not one write per request). */
const lastUsedResolutionMs = 60_000;

/**
 * API keys, users and sessions: operator-level tables (a principal may span companies), so they live
 * beside the connections rather than under `company(id)`. Secrets are stored only as hashes; the
 * plain key or token is returned once, when made.
 */
export class AuthStore {
  constructor(private readonly db: Kysely<Database>) {}

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
    await this.db.insertInto("api_keys").values(row).execute();
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
  async revokeApiKey(id: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable("api_keys")
      .set({ revoked_at: at })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
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
    };
    try {
      await this.db.insertInto("users").values(row).execute();
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

  /** Changes a user's role or disables them; disabling ends their sessions. */
  async updateUser(
    id: string,
    change: { role?: Role; disabled?: boolean; passwordHash?: string },
    at: string,
  ): Promise<UserRecord | undefined> {
    const set: Partial<UserRow> = {};
    if (change.role !== undefined) set.role = roleOf(change.role);
    if (change.disabled !== undefined) set.disabled_at = change.disabled ? at : null;
    if (change.passwordHash !== undefined) set.password_hash = change.passwordHash;
    if (Object.keys(set).length > 0)
      await this.db.updateTable("users").set(set).where("id", "=", id).execute();
    if (change.disabled === true || change.passwordHash !== undefined) await this.endUserSessions(id);
    return this.getUser(id);
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

  async endUserSessions(userId: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("user_id", "=", userId).execute();
  }

  /** Drops expired sessions (the login path calls it now and then). */
  async sweepSessions(at: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("expires_at", "<=", at).execute();
  }
}
