import type { Command } from "commander";
import { systemClock } from "@ledgerlink/core";
import { ConnectionService, resealSecrets, type ResealReport } from "@ledgerlink/server";
import { openStore } from "@ledgerlink/store";
import { loadCliConfig, type ConfigFlags } from "../cli-config.js";
import { withConfigFlags } from "../cli-context.js";
import { exitCodes } from "../exit-codes.js";
import { printJson } from "../output-format.js";

interface ResealOptions extends ConfigFlags {
  json?: boolean;
}

/** `ledgerlink reseal --json`: how many secrets were sealed again, and under which key. */
export type ResealJson = ResealReport & { retiredKeys: number };

/**
 * `ledgerlink reseal`: the last step of rotating LEDGERLINK_TOKEN_KEY. Every company's OAuth grant and
 * webhook signing secrets still sealed with a retired key are sealed again with the current one, so
 * the retired keys can then be dropped. Safe while servers and workers run, and safe to repeat.
 */
export function registerReseal(program: Command): void {
  withConfigFlags(
    program
      .command("reseal")
      .description(
        "After rotating LEDGERLINK_TOKEN_KEY: seal every stored secret again under the new key, so the old one can go",
      ),
  )
    .option("--json", "print the counts as JSON")
    .addHelpText(
      "after",
      [
        "",
        "Rotating the token key:",
        "  1. Put the new key in LEDGERLINK_TOKEN_KEY and the old one in LEDGERLINK_TOKEN_KEYS_RETIRED;",
        "     restart servers and workers (they open old secrets with the retired key, seal new ones with the new).",
        "  2. Run `ledgerlink reseal` once.",
        "  3. Remove the old key from LEDGERLINK_TOKEN_KEYS_RETIRED and restart.",
        "",
        "Example:",
        "  $ LEDGERLINK_TOKEN_KEY=$(openssl rand -base64 32) LEDGERLINK_TOKEN_KEYS_RETIRED=<old key> ledgerlink reseal",
      ].join("\n"),
    )
    .action(async (opts: ResealOptions) => {
      const config = loadCliConfig(opts);
      const store = await openStore({ url: config.databaseUrl });
      try {
        const connections = new ConnectionService({ store, config, clock: systemClock });
        const report = await resealSecrets(store, connections);
        const json: ResealJson = { ...report, retiredKeys: config.retiredTokenKeys?.length ?? 0 };
        if (opts.json) printJson(json);
        else {
          const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
          console.log(
            `Sealed again under the current key: ${plural(report.grants, "QuickBooks connection")}, ${plural(report.webhookSecrets, "webhook signing secret")}.`,
          );
          console.log(
            json.retiredKeys > 0
              ? "Nothing is sealed with a retired key any more: remove LEDGERLINK_TOKEN_KEYS_RETIRED and restart."
              : "No retired keys are configured (LEDGERLINK_TOKEN_KEYS_RETIRED is empty): nothing else to do.",
          );
        }
        process.exitCode = exitCodes.ok;
      } finally {
        await store.close();
      }
    });
}
