import type { Command } from "commander";
import type { ReviewItemDto } from "@ledgerlink/core";
import { assertQboCustomer, reviewItemDtos } from "@ledgerlink/server";
import type { ResolutionResult } from "@ledgerlink/store";
import { withConfigFlags, withContext, type CliContext } from "../cli-context.js";
import type { ConfigFlags } from "../cli-config.js";
import { exitCodes } from "../exit-codes.js";
import { printJson, renderTable } from "../output-format.js";
import { positiveInt } from "../option-parsers.js";

/** `ledgerlink review --json`: the HTTP API's review page shape, with the company. */
export interface ReviewJson {
  company: string;
  items: ReviewItemDto[];
  nextCursor: string | null;
}

interface ListOptions extends ConfigFlags {
  limit: number;
  cursor?: string;
  json?: boolean;
}

/**
 * `ledgerlink review`: the pairs a sync was unsure of, side by side, and the decisions on them — the
 * store's review actions (each one transaction with its audit entry), as the console's Review screen.
 */
export function registerReview(program: Command): void {
  const review = program
    .command("review")
    .description("List the customer matches waiting for a person, and accept, reject, link or create new")
    .addHelpText(
      "after",
      "\nExample:\n  $ ledgerlink review\n  $ ledgerlink review accept <item>\n  $ ledgerlink review link 1042 58\n  $ ledgerlink review create-new 1044",
    );

  withConfigFlags(
    review.command("list", { isDefault: true }).description("List the open review items (the default)"),
  )
    .option("--limit <n>", "at most this many items", positiveInt("--limit"), 100)
    .option("--cursor <cursor>", "the next page (`nextCursor` of the previous --json answer)")
    .option("--json", "print the items as JSON")
    .addHelpText(
      "after",
      "\nExits 1 when items are waiting, 0 when none.\n\nExample:\n  $ ledgerlink review list --json",
    )
    .action(async (opts: ListOptions) => {
      const page = await withContext(opts, async ({ store, companyId }) => {
        const items = await store.company(companyId).review.listOpenReviewItems({
          limit: opts.limit,
          ...(opts.cursor === undefined ? {} : { cursor: opts.cursor }),
        });
        const json: ReviewJson = {
          company: companyId,
          items: await reviewItemDtos(store, companyId, items.items),
          nextCursor: items.nextCursor ?? null,
        };
        return json;
      });
      if (opts.json) printJson(page);
      else if (page.items.length === 0) console.log(`No matches waiting for review in ${page.company}.`);
      else
        console.log(
          renderTable(page.items, [
            { header: "ITEM", value: (i) => i.id },
            { header: "RECORD", value: (i) => i.ref },
            { header: "APP NAME", value: (i) => i.local?.name },
            { header: "QBO", value: (i) => i.qboId },
            { header: "QBO NAME", value: (i) => i.qbo?.name },
            { header: "SCORE", value: (i) => i.score.toFixed(2) },
            { header: "WHY", value: (i) => i.reasons.join("; ") },
          ]),
        );
      process.exitCode = page.items.length > 0 ? exitCodes.errorsFound : exitCodes.ok;
    });

  action(
    review,
    "accept <item>",
    "Accept a suggested pair: link the two customers",
    "review accept 01J8…",
    (ctx, [item]) => ctx.store.company(ctx.companyId).review.acceptSuggestion(item!, { actor: ctx.actor }),
  );
  action(
    review,
    "reject <item>",
    "Reject a suggested pair: they are different customers",
    "review reject 01J8…",
    (ctx, [item]) => ctx.store.company(ctx.companyId).review.rejectSuggestion(item!, { actor: ctx.actor }),
  );
  action(
    review,
    "link <localId> <qboId>",
    "Link the app's customer to the QuickBooks customer you chose",
    "review link 1042 58",
    async (ctx, [localId, qboId]) => {
      await assertQboCustomer(ctx.store, ctx.companyId, qboId!);
      return ctx.store
        .company(ctx.companyId)
        .review.linkToQbo({ localId: localId!, qboId: qboId!, actor: ctx.actor });
    },
  );
  action(
    review,
    "create-new <localId>",
    "Create the app's customer in QuickBooks as a new customer, even if a match exists",
    "review create-new 1044",
    (ctx, [localId]) =>
      ctx.store.company(ctx.companyId).review.createNew({ localId: localId!, actor: ctx.actor }),
  );
  action(
    review,
    "qbo-inactive <qboId>",
    "Mark a QuickBooks duplicate to be made inactive by the next sync",
    "review qbo-inactive 61",
    async (ctx, [qboId]) => {
      await assertQboCustomer(ctx.store, ctx.companyId, qboId!);
      return ctx.store.company(ctx.companyId).review.markQboInactive({ qboId: qboId!, actor: ctx.actor });
    },
  );
}

/** One review decision: a subcommand that runs `run` and prints what it decided and closed. */
function action(
  review: Command,
  spec: string,
  description: string,
  example: string,
  run: (ctx: CliContext, args: string[]) => Promise<ResolutionResult>,
): void {
  withConfigFlags(review.command(spec).description(description))
    .option("--json", "print the decision as JSON")
    .addHelpText("after", `\nExample:\n  $ ledgerlink ${example}`)
    .action(async (...args: unknown[]) => {
      // commander passes the positional arguments, then the options, then the command.
      const positional = args.slice(0, -2) as string[];
      const opts = args[args.length - 2] as ConfigFlags & { json?: boolean };
      const result = await withContext(opts, (ctx) => run(ctx, positional));
      if (opts.json) printJson(result);
      else
        console.log(
          `${result.ref}: ${result.decision.decision}${result.decision.qboId ? ` QBO customer ${result.decision.qboId}` : ""}` +
            (result.closedItems.length > 0
              ? ` (closed review item${result.closedItems.length === 1 ? "" : "s"} ${result.closedItems.join(", ")})`
              : ""),
        );
      process.exitCode = exitCodes.ok;
    });
}
