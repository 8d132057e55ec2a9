import { Option, type Command } from "commander";
import { generatedPassword, hashPassword, minPasswordLength } from "@ledgerlink/server";
import { UserExistsError, type AuthEvent, type Role, type Store, type UserRecord } from "@ledgerlink/store";
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
import { positiveInt } from "../option-parsers.js";
import { printJson, renderTable } from "../output-format.js";
import { newPassword, type PasswordFlags } from "../password-input.js";

/** `ledgerlink users list --json`: the HTTP API's `GET /api/v1/auth/users` shape. */
export interface UsersJson {
  items: UserRecord[];
}

/** `ledgerlink users log --json`: the HTTP API's `GET /api/v1/auth/events` shape. */
export interface AccountLogJson {
  items: AuthEvent[];
}

const passwordHelp =
  "\nThe password is asked twice at the terminal, without echo; or read from stdin with --password-stdin;" +
  "\nor generated and printed once with --generate-password. It is never taken as a flag's value." +
  "\nSomeone else's password is temporary: they are asked to choose their own at their next sign-in." +
  "\nWith --own-password (you are setting your own, e.g. locked out of the console) they are not.";

/** How `add` and `reset-password` get the password, and whether it is its user's own choice. */
type SetPasswordFlags = PasswordFlags & { ownPassword?: boolean };

/** The password options of `add` and `reset-password` (a `--password <value>` is declared to refuse it). */
function withPasswordFlags(cmd: Command): Command {
  return cmd
    .option("--password-stdin", "read the password from stdin (one line)")
    .option("--generate-password", "make a random password and print it once")
    .option(
      "--own-password",
      "the password is the person's own (you are setting yours): not asked to choose another at sign-in",
    )
    .addOption(new Option("--password [value]").hideHelp());
}

/**
 * Whether the person must choose their own password at sign-in: yes unless they chose this one (a
 * generated one is nobody's choice, so that pair is refused before anything is asked or stored).
 */
function mustChangePassword(opts: SetPasswordFlags): boolean {
  if (opts.ownPassword && opts.generatePassword)
    throw new UsageError(
      "--own-password: a generated password is nobody's own choice; type yours at the prompt or pipe it in with --password-stdin",
    );
  return opts.ownPassword !== true;
}

/** What `add` and `reset-password` print when the password is someone else's choice. */
const asksAtSignIn = (email: string, when: "first" | "next") =>
  `${email} will be asked to choose their own password when they ${when} sign in.`;

/** The user an argument names, by email or id; a usage error (exit 2) when there is none. */
async function userNamed(store: Store, who: string): Promise<UserRecord> {
  const user = await store.auth.findUser(who);
  if (!user) throw new UsageError(`user: no user "${who}" (see \`ledgerlink users list\`)`);
  return user;
}

const isEmail = (v: string) => v.length <= 320 && /^[^\s@]+@[^\s@]+$/.test(v);

/**
 * `ledgerlink users`: the console's users, on the database directly (no HTTP, no sign-in), so an
 * operator locked out of the console can still make an admin. Each change is in the account log,
 * naming `cli:<login>`.
 */
export function registerUsers(program: Command): void {
  const users = program
    .command("users")
    .description("List, add and change console users: role, disable or enable, reset a password")
    .addHelpText(
      "after",
      "\nExample:\n  $ ledgerlink users\n  $ ledgerlink users add ann@acme.example --name Ann --role admin --all-companies" +
        "\n  $ ledgerlink users set-role bob@acme.example read-only\n  $ ledgerlink users disable bob@acme.example" +
        '\n  $ printf %s "$PW" | ledgerlink users reset-password ann@acme.example --password-stdin',
    );

  withAccountStoreFlags(
    users.command("list", { isDefault: true }).description("List the users (the default)"),
  )
    .option("--json", "print the users as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  $ ledgerlink users list\n  $ ledgerlink users list --json | jq '.items[].email'",
    )
    .action(async (opts: AccountStoreFlags & { json?: boolean }) => {
      const items = await withAccountStore(opts, (store) => store.auth.listUsers());
      if (opts.json) printJson({ items } satisfies UsersJson);
      else if (items.length === 0) console.log("No users yet: add one with `ledgerlink users add`.");
      else
        console.log(
          renderTable(items, [
            { header: "EMAIL", value: (u) => u.email },
            { header: "NAME", value: (u) => u.name },
            { header: "ROLE", value: (u) => u.role },
            { header: "SEES", value: (u) => scopeText(u.companyId) },
            {
              header: "STATUS",
              value: (u) =>
                (u.disabledAt === null ? "active" : `disabled ${u.disabledAt}`) +
                (u.mustChangePassword ? ", must change password" : ""),
              colour: (u) => (u.disabledAt === null && !u.mustChangePassword ? undefined : "yellow"),
            },
            { header: "CREATED", value: (u) => u.createdAt },
          ]),
        );
      process.exitCode = exitCodes.ok;
    });

  withPasswordFlags(
    withScopeFlags(
      withAccountStoreFlags(
        users.command("add <email>").description("Add a user who signs in to the console"),
      ),
      "user",
    ),
  )
    .requiredOption("--role <role>", "admin, bookkeeper or read-only", roleArgument("--role"))
    .option("--name <name>", "the name shown in the console (default: the email's local part)")
    .option("--json", "print the new user as JSON")
    .addHelpText(
      "after",
      `${passwordHelp}\nExits 5 when a user with this email exists.\n\nExample:\n` +
        "  $ ledgerlink users add ann@acme.example --name 'Ann Lee' --role admin --all-companies\n" +
        "  $ ledgerlink users add bob@acme.example --role bookkeeper --company acme --generate-password\n" +
        "  $ ledgerlink users add me@ops.example --role admin --all-companies --own-password   # yourself",
    )
    .action(
      async (
        email: string,
        opts: AccountStoreFlags &
          ScopeFlags &
          SetPasswordFlags & { role: Role; name?: string; json?: boolean },
      ) => {
        if (!isEmail(email.trim())) throw new UsageError(`email: "${email}" is not an email address`);
        const name = (opts.name ?? email.split("@")[0] ?? "").trim();
        if (name === "" || name.length > 100) throw new UsageError("--name: 1 to 100 characters");
        const mustChange = mustChangePassword(opts);
        const { user, password, generated } = await withAccountStore(opts, async (store) => {
          const companyId = await scopeOf(store, opts, "user");
          // Before asking for a password that would be thrown away.
          if (await store.auth.findUserByEmail(email)) throw new UserExistsError(email.trim().toLowerCase());
          const pw = await newPassword(opts, {
            minLength: minPasswordLength,
            generate: generatedPassword,
            who: email,
          });
          const created = await store.auth.createUser({
            email,
            name,
            passwordHash: await hashPassword(pw.password),
            role: opts.role,
            companyId,
            at: new Date().toISOString(),
            by: cliActor(),
            mustChangePassword: mustChange,
          });
          return { user: created, ...pw };
        });
        if (opts.json) printJson(generated ? { ...user, password } : user);
        else {
          console.log(`Added ${user.email} (${user.role}, sees ${scopeText(user.companyId)}).`);
          if (generated) console.log(`Password (shown once): ${password}`);
          if (user.mustChangePassword) console.log(asksAtSignIn(user.email, "first"));
        }
        process.exitCode = exitCodes.ok;
      },
    );

  withScopeFlags(
    withAccountStoreFlags(
      users
        .command("set-scope")
        .description("Change which companies a user sees: one company, or every company")
        .argument("<user>", "the user's email or id"),
    ),
    "user",
  )
    .addHelpText(
      "after",
      "\nThe change applies to their next request; they stay signed in.\nExits 5 for the last operator-wide admin who can sign in.\n\nExample:\n  $ ledgerlink users set-scope bob@acme.example --company acme\n  $ ledgerlink users set-scope ann@acme.example --all-companies",
    )
    .action(async (who: string, opts: AccountStoreFlags & ScopeFlags) => {
      const [before, after] = await withAccountStore(opts, async (store) => {
        const user = await userNamed(store, who);
        const companyId = await scopeOf(store, opts, "user");
        const updated = await store.auth.updateUser(user.id, { companyId }, new Date().toISOString(), {
          by: cliActor(),
        });
        return [user, updated!] as const;
      });
      console.log(
        before.companyId === after.companyId
          ? `${after.email} already sees ${scopeText(after.companyId)}.`
          : `${after.email} now sees ${scopeText(after.companyId)} (was ${scopeText(before.companyId)}).`,
      );
      process.exitCode = exitCodes.ok;
    });

  withAccountStoreFlags(
    users
      .command("set-role")
      .description("Change a user's role (admin, bookkeeper or read-only)")
      .argument("<user>", "the user's email or id")
      .argument("<role>", "admin, bookkeeper or read-only", roleArgument("role")),
  )
    .addHelpText(
      "after",
      "\nThe change applies to their next request; they stay signed in.\nExits 5 for the last operator-wide admin who can sign in.\n\nExample:\n  $ ledgerlink users set-role bob@acme.example read-only",
    )
    .action(async (who: string, role: Role, opts: AccountStoreFlags) => {
      await change(opts, who, { role }, (u, before) =>
        before.role === u.role
          ? `${u.email} is already ${u.role}.`
          : `${u.email}: ${before.role} → ${u.role}.`,
      );
    });

  withAccountStoreFlags(
    users
      .command("disable <user>")
      .description("Disable a user: they are signed out everywhere and cannot sign in"),
  )
    .addHelpText(
      "after",
      "\nExits 5 for the last operator-wide admin who can sign in.\n\nExample:\n  $ ledgerlink users disable bob@acme.example",
    )
    .action(async (who: string, opts: AccountStoreFlags) => {
      await change(opts, who, { disabled: true }, (u, before) =>
        before.disabledAt !== null
          ? `${u.email} was already disabled.`
          : `Disabled ${u.email}; their sessions have ended.`,
      );
    });

  withAccountStoreFlags(users.command("enable <user>").description("Enable a disabled user again"))
    .addHelpText("after", "\nExample:\n  $ ledgerlink users enable bob@acme.example")
    .action(async (who: string, opts: AccountStoreFlags) => {
      await change(opts, who, { disabled: false }, (u, before) =>
        before.disabledAt === null ? `${u.email} was already enabled.` : `Enabled ${u.email}.`,
      );
    });

  withPasswordFlags(
    withAccountStoreFlags(
      users
        .command("reset-password <user>")
        .description("Set a new password for a user; every session of theirs ends"),
    ),
  )
    .addHelpText(
      "after",
      `${passwordHelp}\n\nExample:\n  $ ledgerlink users reset-password admin@localhost --own-password\n` +
        '  $ printf %s "$PW" | ledgerlink users reset-password ann@acme.example --password-stdin',
    )
    .action(async (who: string, opts: AccountStoreFlags & SetPasswordFlags) => {
      let shown: string | undefined;
      const mustChange = mustChangePassword(opts);
      const email = await withAccountStore(opts, async (store) => {
        const user = await userNamed(store, who);
        const pw = await newPassword(opts, {
          minLength: minPasswordLength,
          generate: generatedPassword,
          who: user.email,
        });
        await store.auth.updateUser(
          user.id,
          { passwordHash: await hashPassword(pw.password), mustChangePassword: mustChange },
          new Date().toISOString(),
          { by: cliActor() },
        );
        if (pw.generated) shown = pw.password;
        return user.email;
      });
      console.log(`New password set for ${email}; their sessions have ended.`);
      if (shown !== undefined) console.log(`Password (shown once): ${shown}`);
      if (mustChange) console.log(asksAtSignIn(email, "next"));
      process.exitCode = exitCodes.ok;
    });

  withAccountStoreFlags(
    users
      .command("log")
      .description("Show the account log: users and API keys created, changed, disabled, revoked"),
  )
    .option("--limit <n>", "at most this many entries, newest first", positiveInt("--limit"), 50)
    .option("--json", "print the entries as JSON")
    .addHelpText("after", "\nExample:\n  $ ledgerlink users log --limit 20")
    .action(async (opts: AccountStoreFlags & { limit: number; json?: boolean }) => {
      const items = await withAccountStore(opts, (store) => store.auth.listAuthEvents({ limit: opts.limit }));
      if (opts.json) printJson({ items } satisfies AccountLogJson);
      else if (items.length === 0) console.log("The account log is empty.");
      else
        console.log(
          renderTable(items, [
            { header: "AT", value: (e) => e.at },
            { header: "WHO", value: (e) => e.actor },
            { header: "ACTION", value: (e) => e.action },
            { header: "ACCOUNT", value: (e) => e.subject },
            {
              header: "DETAIL",
              value: (e) => (Object.keys(e.detail).length === 0 ? "" : JSON.stringify(e.detail)),
            },
          ]),
        );
      process.exitCode = exitCodes.ok;
    });
}

/** One change to a named user, printed with `say(after, before)`. */
async function change(
  opts: AccountStoreFlags,
  who: string,
  set: { role?: Role; disabled?: boolean },
  say: (after: UserRecord, before: UserRecord) => string,
): Promise<void> {
  const [before, after] = await withAccountStore(opts, async (store) => {
    const user = await userNamed(store, who);
    const updated = await store.auth.updateUser(user.id, set, new Date().toISOString(), { by: cliActor() });
    return [user, updated!] as const;
  });
  console.log(say(after, before));
  process.exitCode = exitCodes.ok;
}
