import { userInfo } from "node:os";
import type { Command } from "commander";
import { systemClock, type Clock } from "@ledgerlink/core";
import { ConnectionService, type Config } from "@ledgerlink/server";
import { openStore, type Store } from "@ledgerlink/store";
import { loadCliConfig, type ConfigFlags } from "./cli-config.js";

/** What a verb that works on the company's data has: its configuration, the open store, QBO. */
export interface CliContext {
  config: Config;
  store: Store;
  companyId: string;
  connections: ConnectionService;
  clock: Clock;
  /** Who the audit log names for changes made from the command line. */
  actor: string;
}

/** Adds the flags every store-opening verb takes (they override the environment and config file). */
export function withConfigFlags(cmd: Command): Command {
  return cmd
    .option("--config <file>", "config file (default: ./ledgerlink.env when present, or LEDGERLINK_CONFIG)")
    .option("--database <url>", "database URL, overrides DATABASE_URL (sqlite:<file> or postgres://…)")
    .option("--company <id>", "the company to work on, overrides LEDGERLINK_COMPANY");
}

/** `cli:<login>`: who the audit and account logs name for a change made from the command line. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}

/** Loads the configuration, opens the store for the company, runs `fn`, and always closes the store. */
export async function withContext<T>(flags: ConfigFlags, fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadCliConfig(flags);
  const store = await openStore({ url: config.databaseUrl });
  try {
    await store.ensureCompany(config.company, config.company);
    const connections = new ConnectionService({ store, config, clock: systemClock });
    return await fn({
      config,
      store,
      companyId: config.company,
      connections,
      clock: systemClock,
      actor: cliActor(),
    });
  } finally {
    await store.close();
  }
}
