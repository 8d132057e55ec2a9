import type { Command } from "commander";
import { withConfigFlags, withContext } from "../cli-context.js";
import type { ConfigFlags } from "../cli-config.js";
import { exitCodes, UsageError } from "../exit-codes.js";
import { printJson } from "../output-format.js";

interface JsonFlag extends ConfigFlags {
  json?: boolean;
}

/**
 * `ledgerlink merge <survivor> <merged>` and `ledgerlink unmerge <mergeId>`: merge two of the app's
 * customers (the store's undoable merge, one transaction with its audit entry), and undo it.
 */
export function registerMerge(program: Command): void {
  withConfigFlags(
    program
      .command("merge")
      .description("Merge one of the app's customers into another (undo with `ledgerlink unmerge`)")
      .argument("<survivorId>", "the customer that stays (its id in the app, e.g. 1042)")
      .argument("<mergedId>", "the customer merged into it and removed"),
  )
    .option("--json", "print the merge as JSON")
    .addHelpText(
      "after",
      "\nThe survivor keeps its fields and fills empty ones from the merged customer; sub-customers,\ninvoices, credit memos and payments move to it.\n\nExample:\n  $ ledgerlink merge 1042 1050\n  $ ledgerlink unmerge 01J8Z…",
    )
    .action(async (survivorId: string, mergedId: string, opts: JsonFlag) => {
      if (survivorId === mergedId) throw new UsageError(`C:${mergedId} cannot be merged into itself`);
      const result = await withContext(opts, async ({ store, companyId, actor, clock }) => {
        const at = clock.now().toISOString();
        const merged = await store
          .company(companyId)
          .review.mergeCustomers({ survivorId, mergedId, actor, at });
        // The merged customer's open problems went with it (as the console's merge does).
        await store.company(companyId).api.problems.resolveForRefs([`C:${mergedId}`], at);
        return merged;
      });
      if (opts.json) printJson(result);
      else {
        console.log(`Merged C:${result.mergedId} into C:${result.survivorId} (merge ${result.mergeId}).`);
        if (result.changed.length > 0) console.log(`  changed: ${result.changed.join(", ")}`);
        if (result.qboDuplicates.length > 0)
          console.log(
            `  QuickBooks customers left without a link: ${result.qboDuplicates.join(", ")} (see \`ledgerlink review qbo-inactive\`)`,
          );
        console.log(`Undo with: ledgerlink unmerge ${result.mergeId}`);
      }
      process.exitCode = exitCodes.ok;
    });

  withConfigFlags(
    program
      .command("unmerge")
      .description("Undo a merge: every record, link and reference back exactly as it was")
      .argument("<mergeId>", "the merge's id (printed by `ledgerlink merge`)"),
  )
    .option("--json", "print what was restored as JSON")
    .addHelpText(
      "after",
      "\nExits 5 when the merge was already undone or a record changed since.\n\nExample:\n  $ ledgerlink unmerge 01J8Z…",
    )
    .action(async (mergeId: string, opts: JsonFlag) => {
      const result = await withContext(opts, ({ store, companyId, actor, clock }) =>
        store.company(companyId).review.undoMerge(mergeId, actor, clock.now().toISOString()),
      );
      if (opts.json) printJson(result);
      else console.log(`Undid merge ${result.mergeId}; restored ${result.restored.join(", ")}.`);
      process.exitCode = exitCodes.ok;
    });
}
