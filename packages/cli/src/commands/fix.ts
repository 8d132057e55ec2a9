import type { Command } from "commander";
import { errorFixActions, type ErrorFixAction, type FixResultDto } from "@ledgerlink/core";
import { ApiError, applyFix, fixChoices, problemById } from "@ledgerlink/server";
import { withConfigFlags, withContext } from "../cli-context.js";
import type { ConfigFlags } from "../cli-config.js";
import { exitCodes, UsageError } from "../exit-codes.js";
import { printJson, renderTable } from "../output-format.js";
import { keyValue } from "../option-parsers.js";

interface FixOptions extends ConfigFlags {
  param: Record<string, string>;
  preview?: boolean;
  json?: boolean;
}

/** `ledgerlink fix <error> [action]`: carry out one of the fixes an open problem offers (as the Errors view). */
export function registerFix(program: Command): void {
  withConfigFlags(
    program
      .command("fix")
      .description("Fix one open problem with one of the fixes it offers; without an action, list them")
      .argument("<error>", "the problem's id (first column of `ledgerlink errors`)")
      .argument("[action]", `the fix: ${errorFixActions.join(", ")}`),
  )
    .option(
      "--param <key=value>",
      'a value the fix needs (e.g. value="Acme Ltd (Elm St)", qboId=58); repeatable',
      keyValue("--param"),
      {},
    )
    .option("--preview", "say what would change, change nothing (and list the choices a fix needs)")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      '\nExits 0 when the fix was applied (or previewed), 1 when the record still has problems after it.\n\nExample:\n  $ ledgerlink fix 01J8Z… \n  $ ledgerlink fix 01J8Z… rename --preview\n  $ ledgerlink fix 01J8Z… rename --param value="Taken Name (2)"',
    )
    .action(async (errorId: string, action: string | undefined, opts: FixOptions) => {
      if (action !== undefined && !(errorFixActions as readonly string[]).includes(action))
        throw new UsageError(`unknown fix action "${action}"; actions: ${errorFixActions.join(", ")}`);
      await withContext(opts, async (ctx) => {
        const { row, item } = await problemById(ctx.store, ctx.companyId, errorId);
        if (action === undefined) {
          const fixes = await Promise.all(
            item.fixes.map(async (f) => ({
              ...f,
              choices: f.choices ?? (await fixChoices(ctx.store, ctx.companyId, item, f)),
            })),
          );
          if (opts.json) printJson({ ...item, fixes });
          else {
            console.log(
              `${item.id}  ${item.ref} ${item.recordName ?? ""}\n${item.message}\n${item.explanation}\n`,
            );
            console.log(
              renderTable(fixes, [
                { header: "ACTION", value: (f) => f.action },
                { header: "FIX", value: (f) => f.label },
                { header: "NEEDS", value: (f) => f.requires.map((k) => `--param ${k}=…`).join(" ") },
                {
                  header: "HOW",
                  value: (f) => (f.executable ? "ledgerlink fix" : (f.href ?? "in QuickBooks or the app")),
                },
              ]),
            );
            for (const f of fixes)
              for (const c of f.choices ?? [])
                console.log(
                  `  ${f.action}: ${c.label} → ${Object.entries(c.params)
                    .map(([k, v]) => `--param ${k}=${String(v)}`)
                    .join(" ")}`,
                );
          }
          process.exitCode = exitCodes.ok;
          return;
        }
        let result: FixResultDto;
        try {
          result = await applyFix(
            {
              store: ctx.store,
              connections: ctx.connections,
              companyId: ctx.companyId,
              actor: ctx.actor,
              at: ctx.clock.now().toISOString(),
            },
            row,
            item,
            { action: action as ErrorFixAction, params: opts.param, preview: opts.preview === true },
          );
        } catch (err) {
          throw withParamHint(err);
        }
        if (opts.json) printJson(result);
        else printResult(result);
        process.exitCode =
          result.applied && result.revalidated !== null && !result.revalidated.clean
            ? exitCodes.errorsFound
            : exitCodes.ok;
      });
    });
}

/** The API names a missing value `params.value`; on the command line it is `--param value=…`. */
function withParamHint(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  const field = (err.details as { field?: unknown } | undefined)?.field;
  if (typeof field !== "string" || !field.startsWith("params.")) return err;
  const key = field.slice("params.".length);
  return new ApiError(
    err.status,
    err.code,
    `${err.message} (pass --param ${key}=…; --preview lists the choices)`,
    err.details,
  );
}

function printResult(r: FixResultDto): void {
  console.log(`${r.applied ? "Fixed" : "Preview"}: ${r.ref} ${r.action} — ${r.message}`);
  for (const c of r.changes)
    console.log(`  ${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`);
  for (const c of r.choices ?? [])
    console.log(
      `  choice: ${c.label} → ${Object.entries(c.params)
        .map(([k, v]) => `--param ${k}=${String(v)}`)
        .join(" ")}`,
    );
  if (r.revalidated !== null)
    console.log(
      r.revalidated.clean
        ? `  ${r.ref} is clean now${r.queued ? " and queued for the next sync" : ""}.`
        : r.revalidated.findings.length > 0
          ? `  ${r.ref} still has ${r.revalidated.findings.length} problem(s): ${r.revalidated.findings.map((f) => f.message).join("; ")}`
          : `  ${r.ref} is not ready to sync yet: it waits for a person (see \`ledgerlink errors --record ${r.ref}\` and \`ledgerlink review\`).`,
    );
}
