import type { Kysely } from "kysely";
import { newId } from "./ids.js";
import type { Database } from "./schema.js";

export interface NamedLockOptions {
  /** A holder that dies keeps the lock at most this long (default 30 s). */
  ttlMs?: number;
  /** Give up waiting after this long (default 60 s). */
  waitMs?: number;
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class LockTimeoutError extends Error {
  override readonly name = "LockTimeoutError";
}

/**
 * Runs `fn` while holding a lock row named `name`, so one holder at a time across every process on
 * the same database. A row past its expiry belongs to a dead holder and is taken over.
 */
export async function withNamedLock<T>(
  db: Kysely<Database>,
  name: string,
  fn: () => Promise<T>,
  options: NamedLockOptions = {},
): Promise<T> {
  const ttl = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const holder = newId();
  const deadline = now() + (options.waitMs ?? 60_000);
  for (;;) {
    const t = now();
    await db
      .deleteFrom("locks")
      .where("name", "=", name)
      .where("expires_at", "<", new Date(t).toISOString())
      .execute();
    const inserted = await db
      .insertInto("locks")
      .values({ name, holder, expires_at: new Date(t + ttl).toISOString() })
      .onConflict((oc) => oc.column("name").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) break;
    if (now() > deadline) throw new LockTimeoutError(`waited too long for lock "${name}"`);
    await sleep(options.pollMs ?? 25);
  }
  try {
    return await fn();
  } finally {
    await db.deleteFrom("locks").where("name", "=", name).where("holder", "=", holder).execute();
  }
}
