import { refilledTokens, secondsUntilToken, type TokenBucketLimit } from "@ledgerlink/core";
import type { Kysely } from "kysely";
import type { Dialect } from "./open-database.js";
import type { Database } from "./schema.js";

/** How many guesses an address may make: `burst` at once, refilling at `perMinute`. */
export type GuessLimit = TokenBucketLimit;

/**
 * Token buckets against password and key guessing, per client address, shared by every process on the
 * database. Only failed sign-ins and wrong keys spend from them, so the hot path (a request with a good
 * key or session) reads nothing here. A bucket that has refilled is deleted: the table holds only the
 * addresses that guessed recently.
 */
export class GuessBucketStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Seconds until the address may guess again (0: now); spends nothing. */
  async wait(address: string, limit: GuessLimit, nowMs: number): Promise<number> {
    const row = await this.db
      .selectFrom("guess_buckets")
      .select(["tokens", "updated_at"])
      .where("address", "=", address)
      .executeTakeFirst();
    return row ? secondsUntilToken(refilled(row, limit, nowMs), limit) : 0;
  }

  /** Spends one guess of the address (a failed sign-in, a wrong key). */
  async spend(address: string, limit: GuessLimit, nowMs: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("guess_buckets")
        .values({ address, tokens: limit.burst, updated_at: nowMs })
        .onConflict((oc) => oc.column("address").doNothing())
        .execute();
      // Row-locked on PostgreSQL so two processes spending at once both count; SQLite has one writer.
      let read = trx
        .selectFrom("guess_buckets")
        .select(["tokens", "updated_at"])
        .where("address", "=", address);
      if (this.dialect === "postgres") read = read.forUpdate();
      const row = await read.executeTakeFirstOrThrow();
      const tokens = Math.max(0, refilled(row, limit, nowMs) - 1);
      await trx
        .updateTable("guess_buckets")
        .set({ tokens, updated_at: nowMs })
        .where("address", "=", address)
        .execute();
      // Buckets idle long enough to be full again say nothing: forget them.
      await trx
        .deleteFrom("guess_buckets")
        .where("updated_at", "<", nowMs - fullAfterMs(limit))
        .execute();
    });
  }
}

const refilled = (row: { tokens: number; updated_at: number }, limit: GuessLimit, nowMs: number): number =>
  refilledTokens(Number(row.tokens), nowMs - Number(row.updated_at), limit);

const fullAfterMs = (limit: GuessLimit): number => (limit.burst * 60_000) / limit.perMinute;
