import { InvalidArgumentError, type Command } from "commander";
import { isRole, openStore, roles, type Role, type Store } from "@ledgerlink/store";
import { loadCliConfig } from "./cli-config.js";
import { UsageError } from "./exit-codes.js";

/**
 * What `ledgerlink users` and `ledgerlink keys` share: they work on the operator-level account tables
 * (no company to work on, so no `--company` config flag: there `--company` is the account's scope).
 */
export interface AccountStoreFlags {
  config?: string;
  database?: string;
}

/** The flags that say where the database is (as every store verb has, less `--company`). */
export function withAccountStoreFlags(cmd: Command): Command {
  return cmd
    .option("--config <file>", "config file (default: ./ledgerlink.env when present, or LEDGERLINK_CONFIG)")
    .option("--database <url>", "database URL, overrides DATABASE_URL (sqlite:<file> or postgres://…)");
}

/** Opens the store named by the configuration, runs `fn`, always closes it. */
export async function withAccountStore<T>(
  flags: AccountStoreFlags,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const config = loadCliConfig({
    ...(flags.config === undefined ? {} : { config: flags.config }),
    ...(flags.database === undefined ? {} : { database: flags.database }),
  });
  const store = await openStore({ url: config.databaseUrl });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** A commander parser for a role; a bad one is a usage error naming `name` (the flag or argument). */
export function roleArgument(name: string): (value: string) => Role {
  return (value) => {
    if (!isRole(value)) throw new InvalidArgumentError(`${name} must be one of ${roles.join(", ")}`);
    return value;
  };
}

/** The scope flags of a new user or key. */
export interface ScopeFlags {
  company?: string;
  allCompanies?: boolean;
}

export function withScopeFlags(cmd: Command, what: string): Command {
  return cmd
    .option("--company <id>", `the one company this ${what} may see`)
    .option("--all-companies", `this ${what} sees every company (operator-wide)`);
}

/**
 * The company a new user or key is scoped to (null: operator-wide). Said explicitly every time, since
 * operator-wide is the stronger power; an unknown company is refused with the ones there are.
 */
export async function scopeOf(store: Store, flags: ScopeFlags, what: string): Promise<string | null> {
  if (flags.company !== undefined && flags.allCompanies)
    throw new UsageError("--company and --all-companies: choose one");
  if (flags.allCompanies) return null;
  if (flags.company === undefined)
    throw new UsageError(
      `--company <id> or --all-companies: say which company this ${what} may see, or that it sees every one`,
    );
  const companies = (await store.listCompanies()).map((c) => c.id);
  if (!companies.includes(flags.company))
    throw new UsageError(
      `--company: no company "${flags.company}"${companies.length > 0 ? ` (there are: ${companies.join(", ")})` : ""}`,
    );
  return flags.company;
}

/** "every company" or the company's id, for tables. */
export const scopeText = (companyId: string | null): string => companyId ?? "every company";
