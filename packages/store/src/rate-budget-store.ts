import { sql, type Kysely, type Transaction } from "kysely";
import type { Dialect } from "./open-database.js";
import { newId } from "./ids.js";
import type { Database } from "./schema.js";

/**
 * A company's QBO budget as the pacing rows see it: one call start per `requestIntervalMs` (a batch
 * call also one per `batchIntervalMs`), and at most `maxInFlight` calls whose slots have not expired.
 */
export interface RateBudgetLimits {
  requestIntervalMs: number;
  batchIntervalMs: number;
  maxInFlight: number;
  /** How long a slot counts if never released (its worker died): the longest a call can take. */
  slotTtlMs: number;
}

export type RateBudgetAnswer =
  | { granted: true; slotId: string }
  | { granted: false; retryInMs: number; reason: "rate" | "batch" | "in-flight" };

export class RateBudgetLimitsError extends Error {
  override readonly name = "RateBudgetLimitsError";
}

/**
 * QBO's limits for one company held in the database, so that every worker on every machine draws on
 * the same budget. Each grant is one short transaction that locks the company's pacing row (`SELECT …
 * FOR UPDATE` on PostgreSQL; SQLite serialises writers anyway); the database's clock is the only clock,
 * so workers on hosts with skewed clocks still agree.
 */
export class RateBudgetStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async acquire(
    companyId: string,
    kind: "request" | "batch",
    holder: string,
    limits: RateBudgetLimits,
  ): Promise<RateBudgetAnswer> {
    for (const [k, v] of Object.entries(limits))
      if (!(typeof v === "number" && v > 0 && Number.isFinite(v)))
        throw new RateBudgetLimitsError(`rate budget ${k} must be a positive number, got ${String(v)}`);
    return this.db.transaction().execute(async (trx) => {
      const now = await this.nowMs(trx);
      await trx
        .insertInto("rate_budgets")
        .values({ company_id: companyId, next_request_at: 0, next_batch_at: 0 })
        .onConflict((oc) => oc.column("company_id").doNothing())
        .execute();
      let q = trx.selectFrom("rate_budgets").selectAll().where("company_id", "=", companyId);
      if (this.dialect === "postgres") q = q.forUpdate();
      const row = await q.executeTakeFirstOrThrow();
      const nextRequest = Number(row.next_request_at);
      const nextBatch = Number(row.next_batch_at);
      if (now < nextRequest) return { granted: false, retryInMs: nextRequest - now, reason: "rate" };
      if (kind === "batch" && now < nextBatch)
        return { granted: false, retryInMs: nextBatch - now, reason: "batch" };
      await trx
        .deleteFrom("rate_slots")
        .where("company_id", "=", companyId)
        .where("expires_at", "<=", now)
        .execute();
      const { n } = await trx
        .selectFrom("rate_slots")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("company_id", "=", companyId)
        .executeTakeFirstOrThrow();
      // Slots are released as responses come in; a short poll is cheaper than a notification channel.
      if (Number(n) >= limits.maxInFlight)
        return { granted: false, retryInMs: Math.min(20, limits.requestIntervalMs), reason: "in-flight" };
      const slotId = newId();
      await trx
        .updateTable("rate_budgets")
        .set({
          next_request_at: now + limits.requestIntervalMs,
          ...(kind === "batch" ? { next_batch_at: now + limits.batchIntervalMs } : {}),
        })
        .where("company_id", "=", companyId)
        .execute();
      await trx
        .insertInto("rate_slots")
        .values({ id: slotId, company_id: companyId, kind, holder, expires_at: now + limits.slotTtlMs })
        .execute();
      return { granted: true, slotId };
    });
  }

  async release(slotId: string): Promise<void> {
    await this.db.deleteFrom("rate_slots").where("id", "=", slotId).execute();
  }

  /** Frees every slot a worker held (it stopped cleanly, or was found dead). */
  async releaseHolder(holder: string): Promise<void> {
    await this.db.deleteFrom("rate_slots").where("holder", "=", holder).execute();
  }

  /** Calls counted in flight for the company now. */
  async inFlight(companyId: string): Promise<number> {
    const now = await this.nowMs(this.db);
    const { n } = await this.db
      .selectFrom("rate_slots")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("company_id", "=", companyId)
      .where("expires_at", ">", now)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  private async nowMs(db: Kysely<Database> | Transaction<Database>): Promise<number> {
    if (this.dialect !== "postgres") return Date.now();
    const r = await sql<{
      now: string | number;
    }>`select extract(epoch from clock_timestamp()) * 1000 as now`.execute(db);
    return Number(r.rows[0]!.now);
  }
}
