import { AuthStore } from "./auth-store.js";
import { CompanyStore } from "./company-store.js";
import { ConnectionStore } from "./connection-store.js";
import { GuessBucketStore } from "./guess-bucket-store.js";
import { JobStore } from "./job-store.js";
import { RateBudgetStore } from "./rate-budget-store.js";
import { openDatabase, type DatabaseConfig, type Dialect } from "./open-database.js";

export interface Company {
  id: string;
  name: string;
  createdAt: string;
}

/** The store: one database, many companies; reach a company's data through `company(id)`. */
export interface Store {
  readonly dialect: Dialect;
  ensureCompany(id: string, name: string): Promise<Company>;
  listCompanies(): Promise<Company[]>;
  company(id: string): CompanyStore;
  /** QBO connections and the token vault, across companies (the connector scopes by company id). */
  readonly connections: ConnectionStore;
  /** API keys, console users and sessions (operator-level: a principal may span companies). */
  readonly auth: AuthStore;
  /** QBO's per-company limits shared by all workers (see rate-budget-store.ts). */
  readonly rateBudgets: RateBudgetStore;
  /** Cross-company questions of workers and the readiness probe. */
  readonly jobs: JobStore;
  /** Buckets against password and key guessing, shared by every server process (see guess-bucket-store.ts). */
  readonly guesses: GuessBucketStore;
  close(): Promise<void>;
}

export async function openStore(config: DatabaseConfig): Promise<Store> {
  const { db, dialect, close } = await openDatabase(config);
  return {
    dialect,
    async ensureCompany(id, name) {
      const createdAt = new Date().toISOString();
      await db
        .insertInto("companies")
        .values({ id, name, created_at: createdAt })
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
      const row = await db.selectFrom("companies").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      return { id: row.id, name: row.name, createdAt: row.created_at };
    },
    async listCompanies() {
      const rows = await db.selectFrom("companies").selectAll().orderBy("id").execute();
      return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
    },
    company: (id) => new CompanyStore(db, id),
    connections: new ConnectionStore(db),
    auth: new AuthStore(db),
    rateBudgets: new RateBudgetStore(db, dialect),
    jobs: new JobStore(db),
    guesses: new GuessBucketStore(db, dialect),
    close,
  };
}
