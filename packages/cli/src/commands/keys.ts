import type { Command } from "commander";
import type { ApiKeyRecord, Role, Store } from "@ledgerlink/store";
import {
  roleArgument,
  scopeOf,
  scopeText,
  withAccountStore,
  withAccountStoreFlags,
  withScopeFlags,
  type AccountStoreFlags,
  type ScopeFlags,
} from "../account-options.js";
import { cliActor } from "../cli-context.js";
import { exitCodes, UsageError } from "../exit-codes.js";
import { printJson, renderTable } from "../output-format.js";

/** `ledgerlink keys list --json`: the HTTP API's `GET /api/v1/auth/keys` shape (never a key). */
export interface KeysJson {
  items: ApiKeyRecord[];
}

/** `ledgerlink keys create --json`: the key's record and, this once, the key. */
export type NewKeyJson = ApiKeyRecord & { key: string };

/** The key an argument names: its id, or a prefix (`llk_AbC123`) only one key has. */
async function keyNamed(store: Store, which: string): Promise<ApiKeyRecord> {
  const byId = await store.auth.getApiKey(which);
  if (byId) return byId;
  const prefix = which.replace(/…$/, ""); // as `keys list` prints it
  const byPrefix = (await store.auth.listApiKeys()).filter((k) => prefix.startsWith(k.prefix));
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1)
    throw new UsageError(
      `key: ${byPrefix.length} keys start with "${which}"; give the id (see \`ledgerlink keys list\`)`,
    );
  throw new UsageError(`key: no API key "${which}" (see \`ledgerlink keys list\`)`);
}

/**
 * `ledgerlink keys`: integrators' API keys on the database directly. A new key is printed once (only
 * its hash is kept); a revoked key is refused from its next request. Each change is in the account
 * log, naming `cli:<login>`.
 */
export function registerKeys(program: Command): void {
  const keys = program
    .command("keys")
    .description("List, create and revoke the API keys integrators call the HTTP API with")
    .addHelpText(
      "after",
      "\nExample:\n  $ ledgerlink keys\n  $ ledgerlink keys create --name 'billing app' --role bookkeeper --company acme" +
        "\n  $ ledgerlink keys revoke llk_AbC123",
    );

  withAccountStoreFlags(
    keys.command("list", { isDefault: true }).description("List the API keys (the default)"),
  )
    .option("--company <id>", "only the keys scoped to this company")
    .option("--json", "print the keys as JSON (never the keys themselves)")
    .addHelpText("after", "\nExample:\n  $ ledgerlink keys list --company acme --json")
    .action(async (opts: AccountStoreFlags & { company?: string; json?: boolean }) => {
      const items = await withAccountStore(opts, (store) =>
        store.auth.listApiKeys(opts.company === undefined ? {} : { companyId: opts.company }),
      );
      if (opts.json) printJson({ items } satisfies KeysJson);
      else if (items.length === 0) console.log("No API keys: create one with `ledgerlink keys create`.");
      else
        console.log(
          renderTable(items, [
            { header: "ID", value: (k) => k.id },
            { header: "PREFIX", value: (k) => `${k.prefix}…` },
            { header: "NAME", value: (k) => k.name },
            { header: "ROLE", value: (k) => k.role },
            { header: "SEES", value: (k) => scopeText(k.companyId) },
            { header: "CREATED", value: (k) => `${k.createdAt} by ${k.createdBy}` },
            { header: "LAST USED", value: (k) => k.lastUsedAt ?? "never" },
            {
              header: "STATUS",
              value: (k) => (k.revokedAt === null ? "active" : `revoked ${k.revokedAt}`),
              colour: (k) => (k.revokedAt === null ? undefined : "yellow"),
            },
          ]),
        );
      process.exitCode = exitCodes.ok;
    });

  withScopeFlags(
    withAccountStoreFlags(keys.command("create").description("Create an API key and print it once")),
    "key",
  )
    .requiredOption("--name <name>", "what the key is for, e.g. the integration's name")
    .option("--role <role>", "admin, bookkeeper or read-only", roleArgument("--role"), "bookkeeper")
    .option("--json", "print the key's record and the key as JSON")
    .addHelpText(
      "after",
      "\nThe key is printed to stdout alone (what it is goes to stderr), once: only its hash is kept.\n\nExample:\n" +
        "  $ ledgerlink keys create --name 'billing app' --role bookkeeper --company acme\n" +
        "  $ LLK=$(ledgerlink keys create --name reporting --role read-only --all-companies)",
    )
    .action(async (opts: AccountStoreFlags & ScopeFlags & { name: string; role: Role; json?: boolean }) => {
      const name = opts.name.trim();
      if (name === "" || name.length > 100) throw new UsageError("--name: 1 to 100 characters");
      const made = await withAccountStore(opts, async (store) => {
        const companyId = await scopeOf(store, opts, "key");
        return store.auth.createApiKey({
          name,
          role: opts.role,
          companyId,
          createdBy: cliActor(),
          at: new Date().toISOString(),
        });
      });
      if (opts.json) printJson({ ...made.record, key: made.key } satisfies NewKeyJson);
      else {
        const r = made.record;
        console.error(
          `Created API key "${r.name}" (id ${r.id}, ${r.role}, sees ${scopeText(r.companyId)}). ` +
            "This is the only time it is shown: store it in the integration's secret store now.",
        );
        console.log(made.key);
      }
      process.exitCode = exitCodes.ok;
    });

  withAccountStoreFlags(
    keys
      .command("revoke")
      .description("Revoke an API key: its next request is refused")
      .argument("<key>", "the key's id, or its prefix as `keys list` shows it"),
  )
    .addHelpText(
      "after",
      "\nExits 5 when the key is already revoked.\n\nExample:\n  $ ledgerlink keys revoke llk_AbC123",
    )
    .action(async (which: string, opts: AccountStoreFlags) => {
      const outcome = await withAccountStore(opts, async (store) => {
        const key = await keyNamed(store, which);
        const revoked = await store.auth.revokeApiKey(key.id, new Date().toISOString(), cliActor());
        return { key, revoked };
      });
      if (!outcome.revoked) {
        console.error(`API key "${outcome.key.name}" (${outcome.key.prefix}…) was already revoked.`);
        process.exitCode = exitCodes.conflict;
        return;
      }
      console.log(
        `Revoked API key "${outcome.key.name}" (${outcome.key.prefix}…); it is refused from now on.`,
      );
      process.exitCode = exitCodes.ok;
    });
}
