import { Command, Help } from "commander";
import { exitCodeHelp } from "./exit-codes.js";

type Register = (program: Command) => void;

/**
 * One verb as the root `--help` lists it, and how to load it. A verb's module (its flags, help and
 * action) pulls in the server, the store and QBO's client, about half a second of module loading, so
 * it is imported only when that verb runs; `program.test.ts` keeps these lines equal to the modules'.
 */
export interface VerbEntry {
  name: string;
  /** The verb as the root help lists it (commander's subcommand term). */
  term: string;
  description: string;
  load: () => Promise<Register>;
}

export const verbs: readonly VerbEntry[] = [
  {
    name: "sync",
    term: "sync [options]",
    description: "Sync the app's records to QuickBooks Online now, and print what was done",
    load: async () => (await import("./commands/sync.js")).registerSync,
  },
  {
    name: "serve",
    term: "serve",
    description: "Serve the HTTP API and the console (PORT, DATABASE_URL, QBO_* from the environment)",
    load: async () => (await import("./commands/serve.js")).registerServe,
  },
  {
    name: "emulator",
    term: "emulator [options]",
    description: "Run the QuickBooks Online API emulator",
    load: async () => (await import("./commands/emulator.js")).registerEmulator,
  },
  {
    name: "demo",
    term: "demo [options]",
    description: "Start the demo: the QBO emulator, the server and the console on embedded SQLite",
    load: async () => (await import("./commands/demo.js")).registerDemo,
  },
  {
    name: "match",
    term: "match [options]",
    description:
      "Match the records of two CSV files one-to-one and write the proposed pairs with scores and reasons",
    load: async () => (await import("./commands/match.js")).registerMatch,
  },
  {
    name: "dedupe",
    term: "dedupe [options]",
    description: "Find clusters of likely duplicate records in a CSV file",
    load: async () => (await import("./commands/dedupe.js")).registerDedupe,
  },
  {
    name: "import",
    term: "import [options] <collection>",
    description: "Import customers, items, invoices, credit memos or payments from a CSV file",
    load: async () => (await import("./commands/import.js")).registerImport,
  },
  {
    name: "worker",
    term: "worker [options]",
    description:
      "Run jobs (syncs, pulls, webhooks, schedules, report emails) from the queue in PostgreSQL; start as many as you like, on as many machines (DATABASE_URL=postgres://…)",
    load: async () => (await import("./commands/worker.js")).registerWorker,
  },
  {
    name: "status",
    term: "status [options]",
    description: "Show the QuickBooks connection, record counts, open problems and the last sync",
    load: async () => (await import("./commands/status.js")).registerStatus,
  },
  {
    name: "plan",
    term: "plan [options]",
    description: "Show what the next sync would do, without writing anything to QuickBooks or the database",
    load: async () => (await import("./commands/plan.js")).registerPlan,
  },
  {
    name: "errors",
    term: "errors [options]",
    description: "List the open problems (blocked records, QBO faults, matches to review) and their fixes",
    load: async () => (await import("./commands/errors.js")).registerErrors,
  },
  {
    name: "fix",
    term: "fix [options] <error> [action]",
    description: "Fix one open problem with one of the fixes it offers; without an action, list them",
    load: async () => (await import("./commands/fix.js")).registerFix,
  },
  {
    name: "review",
    term: "review",
    description: "List the customer matches waiting for a person, and accept, reject, link or create new",
    load: async () => (await import("./commands/review.js")).registerReview,
  },
  {
    name: "migrate",
    term: "migrate [options]",
    description: "Apply the database migrations that are pending, and show applied and pending ones",
    load: async () => (await import("./commands/migrate.js")).registerMigrate,
  },
  {
    name: "reseal",
    term: "reseal [options]",
    description:
      "After rotating LEDGERLINK_TOKEN_KEY: seal every stored secret again under the new key, so the old one can go",
    load: async () => (await import("./commands/reseal.js")).registerReseal,
  },
  {
    name: "merge",
    term: "merge [options] <survivorId> <mergedId>",
    description: "Merge one of the app's customers into another (undo with `ledgerlink unmerge`)",
    load: async () => (await import("./commands/merge.js")).registerMerge,
  },
  {
    name: "unmerge",
    term: "unmerge [options] <mergeId>",
    description: "Undo a merge: every record, link and reference back exactly as it was",
    load: async () => (await import("./commands/merge.js")).registerMerge,
  },
  {
    name: "export-unmatched",
    term: "export-unmatched [options]",
    description: "Write the customers not yet in QuickBooks as a CSV file QuickBooks' customer import takes",
    load: async () => (await import("./commands/export-unmatched.js")).registerExportUnmatched,
  },
  {
    name: "report",
    term: "report [options]",
    description: "Print the post-sync report of a run (the latest by default) or a period, or email it",
    load: async () => (await import("./commands/report.js")).registerReport,
  },
  {
    name: "init",
    term: "init [options]",
    description: "Write a commented config file (ledgerlink.env) in this directory",
    load: async () => (await import("./commands/init.js")).registerInit,
  },
  {
    name: "connect",
    term: "connect [options]",
    description:
      "Connect the company to QuickBooks: open the printed URL, consent, and the CLI catches the callback",
    load: async () => (await import("./commands/connect.js")).registerConnect,
  },
  {
    name: "global-sync",
    term: "global-sync [options]",
    description:
      "Bring customers and items that exist only in QuickBooks into the app's records (origin qbo, linked)",
    load: async () => (await import("./commands/global-sync.js")).registerGlobalSync,
  },
  {
    name: "users",
    term: "users",
    description: "List, add and change console users: role, disable or enable, reset a password",
    load: async () => (await import("./commands/users.js")).registerUsers,
  },
  {
    name: "keys",
    term: "keys",
    description: "List, create and revoke the API keys integrators call the HTTP API with",
    load: async () => (await import("./commands/keys.js")).registerKeys,
  },
];

function rootCommand(): Command {
  return (
    new Command("ledgerlink")
      .description(
        "Keep a business app's customers, items, invoices and payments in step with QuickBooks Online.",
      )
      .showHelpAfterError()
      // Set before the verbs are added so they inherit it: bin.ts maps commander's exits to our codes.
      .exitOverride()
      .configureOutput({ outputError: (str, write) => write(str) })
      .addHelpText("after", `\n${exitCodeHelp}`)
  );
}

/**
 * The `ledgerlink` command, cheap to build: each verb is a stand-in that, when chosen, loads the
 * verb's module and parses the same arguments again with the real definition (its flags, arguments,
 * help and action), so `ledgerlink --help` and a verb's run load only what they need.
 */
export function createProgram(): Command {
  const program = rootCommand();
  const terms = new Map(verbs.map((v) => [v.name, v.term]));
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd) });
  for (const verb of verbs) {
    program
      .command(verb.name)
      .description(verb.description)
      // Everything after the verb, --help included, is for the real definition to read.
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => runVerb(verb));
  }
  // commander's own `help <verb>` would print the stand-in's help: load the verb's first.
  program.helpCommand(false);
  program
    .command("help [command]")
    .description("display help for command")
    .action(async (name?: string) => {
      const verb = verbs.find((v) => v.name === name);
      if (verb === undefined) program.help();
      else await runVerb(verb);
    });
  /** Parses the same argv again with the verb's real definition (flags, arguments, help, action). */
  async function runVerb(verb: VerbEntry): Promise<void> {
    const real = rootCommand();
    (await verb.load())(real);
    // The argv given to parse (node, script, args): commander keeps it, untyped, as rawArgs.
    await real.parseAsync((program as unknown as { rawArgs: string[] }).rawArgs);
  }
  return program;
}

/** The `ledgerlink` command with every verb's module loaded (for tests that look at all their help). */
export async function createFullProgram(): Promise<Command> {
  const program = rootCommand();
  const registered = new Set<Register>();
  for (const verb of verbs) {
    const register = await verb.load();
    if (registered.has(register)) continue; // merge's module registers merge and unmerge
    registered.add(register);
    register(program);
  }
  return program;
}
