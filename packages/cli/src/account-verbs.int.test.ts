import { spawn } from "node:child_process";
import { join } from "node:path";
import { userInfo } from "node:os";
import { loadConfig, startServer, type RunningServer } from "@ledgerlink/server";
import type { ApiKeyRecord, AuthEvent, UserRecord } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bin,
  controlCharacters,
  ledgerlink,
  startCliWorld,
  type CliRun,
  type CliWorld,
} from "../test/cli-harness.js";

/** `ledgerlink <args>` as a subprocess with `input` on its stdin (then closed). */
function withStdin(args: readonly string[], env: Record<string, string>, input: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env["PATH"] ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * `ledgerlink <args>` on a pseudo-terminal (util-linux `script`), typing each answer only once its
 * prompt has appeared, as a person would; returns everything the terminal showed.
 */
function onTerminal(
  args: readonly string[],
  env: Record<string, string>,
  answers: Array<[prompt: string, typed: string]>,
): Promise<{ code: number; screen: string }> {
  const command = [process.execPath, bin, ...args].map((a) => `'${a}'`).join(" ");
  return new Promise((resolve) => {
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      env: { PATH: process.env["PATH"] ?? "", TERM: "xterm", ...env },
    });
    let screen = "";
    let next = 0;
    /** Where the screen is read from for the next prompt: past the one answered last. */
    let from = 0;
    child.stdout.on("data", (d: Buffer) => {
      screen += d.toString();
      const answer = answers[next];
      const at = answer === undefined ? -1 : screen.indexOf(answer[0], from);
      if (answer && at >= 0) {
        next++;
        from = at + answer[0].length;
        child.stdin.write(`${answer[1]}\r`);
      }
    });
    child.on("close", (code) => resolve({ code: code ?? -1, screen }));
  });
}

/**
 * `ledgerlink users` and `ledgerlink keys`, the built binary as a subprocess on a real SQLite file,
 * with the server running on the same file: what the CLI makes signs in and authenticates over HTTP,
 * and what it revokes or disables is refused at once.
 */
describe("ledgerlink users and keys against a running server (SQLite)", { timeout: 120_000 }, () => {
  let w: CliWorld;
  let server: RunningServer;
  const run = (...args: string[]) => ledgerlink(args, w.env);
  const actor = `cli:${userInfo().username}`;
  const login = async (email: string, password: string) => {
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const cookie = res.headers
      .getSetCookie()
      .map((l) => l.split(";")[0]!)
      .find((c) => c.startsWith("ll_session="));
    return {
      status: res.status,
      body: (await res.json()) as {
        user?: { role: string; companyId: string | null; mustChangePassword: boolean };
      },
      cookie,
    };
  };
  const me = async (cookie: string | undefined) =>
    (await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie: cookie ?? "" } })).status;
  const users = async () =>
    (JSON.parse((await run("users", "list", "--json")).stdout) as { items: UserRecord[] }).items;

  beforeAll(async () => {
    w = await startCliWorld();
    server = await startServer(
      loadConfig({
        PORT: "0",
        DATABASE_URL: w.dbUrl,
        LEDGERLINK_COMPANY: "acme",
        LEDGERLINK_TOKEN_KEY: w.env["LEDGERLINK_TOKEN_KEY"],
        QBO_BASE_URL: w.url,
        REPORT_DIR: join(w.dir, "reports"),
      }),
    );
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await w?.close();
  });

  it("users add --password-stdin makes a user who signs in over HTTP; the password is never printed", async () => {
    const add = await withStdin(
      [
        "users",
        "add",
        "Ann@Acme.example",
        "--name",
        "Ann Lee",
        "--role",
        "bookkeeper",
        "--company",
        "acme",
        "--password-stdin",
      ],
      w.env,
      "ann-password-123\n",
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toBe(
      "Added ann@acme.example (bookkeeper, sees acme).\n" +
        "ann@acme.example will be asked to choose their own password when they first sign in.\n",
    );
    expect(add.stdout + add.stderr).not.toContain("ann-password-123");
    const signedIn = await login("ann@acme.example", "ann-password-123");
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({
      role: "bookkeeper",
      companyId: "acme",
      mustChangePassword: true,
    });
    // The operator chose it, so the server holds Ann's session until she chooses her own.
    const held = await fetch(`${server.url}/api/v1/companies/acme/runs`, {
      headers: { cookie: signedIn.cookie! },
    });
    expect(held.status).toBe(403);
    expect(((await held.json()) as { error: { code: string } }).error.code).toBe("password_change_required");
    expect((await login("ann@acme.example", "ann-password-12")).status).toBe(401);

    const list = await run("users");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /ann@acme\.example\s+Ann Lee\s+bookkeeper\s+acme\s+active, must change password/,
    );
    // The first admin's password was generated and printed at start: theirs is pending too.
    expect(list.stdout).toMatch(
      /admin@localhost\s+Administrator\s+admin\s+every company\s+active, must change password/,
    );
    expect((await users()).find((u) => u.email === "ann@acme.example")?.mustChangePassword).toBe(true);
    expect(list.stdout).not.toMatch(controlCharacters);
    expect(JSON.stringify(await users())).not.toMatch(/argon2|ann-password/);

    const again = await withStdin(
      ["users", "add", "ann@acme.example", "--role", "admin", "--all-companies", "--password-stdin"],
      w.env,
      "another-password-1\n",
    );
    expect(again.code).toBe(5);
    expect(again.stderr).toContain('"ann@acme.example" already exists');
  });

  it("refuses bad input with the field named and exit 2, creating nothing", async () => {
    const before = (await users()).length;
    const badRole = await withStdin(
      ["users", "add", "cy@acme.example", "--role", "root", "--company", "acme", "--password-stdin"],
      w.env,
      "cy-password-1234\n",
    );
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("option '--role <role>' argument 'root' is invalid");
    expect(badRole.stderr).toContain("--role must be one of admin, bookkeeper, read-only");
    const badSetRole = await run("users", "set-role", "ann@acme.example", "owner");
    expect(badSetRole.code).toBe(2);
    expect(badSetRole.stderr).toContain("role must be one of admin, bookkeeper, read-only");
    const badKeyRole = await run("keys", "create", "--name", "x", "--role", "superuser", "--company", "acme");
    expect(badKeyRole.code).toBe(2);
    expect(badKeyRole.stderr).toContain("--role must be one of");

    const flag = await run(
      "users",
      "add",
      "cy@acme.example",
      "--role",
      "admin",
      "--company",
      "acme",
      "--password",
      "cy-flag-secret-1",
    );
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--password is refused");
    expect(flag.stderr + flag.stdout).not.toContain("cy-flag-secret-1");
    const noTerminal = await run("users", "add", "cy@acme.example", "--role", "admin", "--company", "acme");
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toContain(
      "password: there is no terminal to ask on; pipe it in with --password-stdin",
    );
    const short = await withStdin(
      ["users", "add", "cy@acme.example", "--role", "admin", "--company", "acme", "--password-stdin"],
      w.env,
      "short\n",
    );
    expect([short.code, short.stderr.trim()]).toEqual([2, "password: at least 12 characters"]);
    const noScope = await run("users", "add", "cy@acme.example", "--role", "admin", "--generate-password");
    expect(noScope.code).toBe(2);
    expect(noScope.stderr).toContain("--company <id> or --all-companies");
    const unknownCompany = await run("keys", "create", "--name", "x", "--company", "nope");
    expect(unknownCompany.code).toBe(2);
    expect(unknownCompany.stderr).toContain('--company: no company "nope" (there are: acme)');
    const badEmail = await run("users", "add", "not-an-email", "--role", "admin", "--company", "acme");
    expect(badEmail.stderr).toContain('email: "not-an-email" is not an email address');
    const nobody = await run("users", "disable", "nobody@acme.example");
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('user: no user "nobody@acme.example"');
    expect((await users()).length).toBe(before);
    const keys = JSON.parse((await run("keys", "list", "--json")).stdout) as { items: unknown[] };
    expect(keys.items).toEqual([]);
  });

  it("keys create prints the key once and it authenticates; keys revoke refuses it from the next request", async () => {
    const made = await run(
      "keys",
      "create",
      "--name",
      "billing app",
      "--role",
      "read-only",
      "--company",
      "acme",
    );
    expect(made.code, made.stderr).toBe(0);
    const key = made.stdout.trim();
    expect(key).toMatch(/^llk_[A-Za-z0-9_-]{43}$/);
    expect(made.stderr).toContain('Created API key "billing app"');
    expect(made.stderr).toContain("only time it is shown");
    const runs = () =>
      fetch(`${server.url}/api/v1/companies/acme/runs`, { headers: { authorization: `Bearer ${key}` } });
    expect((await runs()).status).toBe(200);
    // Read-only, scoped to acme: it cannot write, nor see another company.
    const write = await fetch(`${server.url}/api/v1/companies/acme/runs`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(write.status).toBe(403);

    const listed = await run("keys", "list", "--json");
    expect(listed.stdout).not.toContain(key.slice(12));
    const record = (JSON.parse(listed.stdout) as { items: ApiKeyRecord[] }).items[0]!;
    expect(record).toMatchObject({
      name: "billing app",
      role: "read-only",
      companyId: "acme",
      createdBy: actor,
    });
    expect(record.lastUsedAt).not.toBeNull();
    const table = await run("keys");
    expect(table.stdout).toMatch(new RegExp(`${record.prefix}…\\s+billing app\\s+read-only\\s+acme`));

    const revoke = await run("keys", "revoke", `${record.prefix}…`);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain('Revoked API key "billing app"');
    expect((await runs()).status).toBe(401);
    const twice = await run("keys", "revoke", record.id);
    expect(twice.code).toBe(5);
    expect(twice.stderr).toContain("already revoked");
    expect((await run("keys", "revoke", "llk_nope00")).code).toBe(2);

    const json = await run("keys", "create", "--name", "ops", "--role", "admin", "--all-companies", "--json");
    const made2 = JSON.parse(json.stdout) as ApiKeyRecord & { key: string };
    expect(made2).toMatchObject({ role: "admin", companyId: null });
    const authUsers = await fetch(`${server.url}/api/v1/auth/users`, {
      headers: { authorization: `Bearer ${made2.key}` },
    });
    expect(authUsers.status).toBe(200);
  });

  it("disable ends the user's sessions and sign-in, enable restores it; reset-password ends sessions and prints a generated one once", async () => {
    const s = await login("ann@acme.example", "ann-password-123");
    expect(await me(s.cookie)).toBe(200);
    const disabled = await run("users", "disable", "ann@acme.example");
    expect([disabled.code, disabled.stdout]).toEqual([
      0,
      "Disabled ann@acme.example; their sessions have ended.\n",
    ]);
    expect(await me(s.cookie)).toBe(401);
    expect((await login("ann@acme.example", "ann-password-123")).status).toBe(401);
    expect((await run("users", "list")).stdout).toMatch(/ann@acme\.example.*disabled /);
    expect((await run("users", "enable", "ann@acme.example")).code).toBe(0);
    const back = await login("ann@acme.example", "ann-password-123");
    expect(back.status).toBe(200);

    const reset = await run("users", "reset-password", "ann@acme.example", "--generate-password");
    expect(reset.code, reset.stderr).toBe(0);
    const generated = /Password \(shown once\): (\S+)/.exec(reset.stdout)?.[1];
    expect(generated).toBeDefined();
    expect(reset.stdout).toContain(
      "ann@acme.example will be asked to choose their own password when they next sign in.\n",
    );
    expect(await me(back.cookie)).toBe(401);
    expect((await login("ann@acme.example", "ann-password-123")).status).toBe(401);
    expect((await login("ann@acme.example", generated!)).status).toBe(200);

    const viaStdin = await withStdin(
      ["users", "reset-password", "ann@acme.example", "--password-stdin"],
      w.env,
      "ann-password-456",
    );
    expect(viaStdin.code, viaStdin.stderr).toBe(0);
    expect((await login("ann@acme.example", "ann-password-456")).body.user?.mustChangePassword).toBe(true);

    // A generated password is nobody's own: that pair is refused before anything changes.
    const ownGenerated = await run(
      "users",
      "reset-password",
      "ann@acme.example",
      "--generate-password",
      "--own-password",
    );
    expect(ownGenerated.code).toBe(2);
    expect(ownGenerated.stderr).toContain("--own-password: a generated password is nobody's own choice");
    expect((await login("ann@acme.example", "ann-password-456")).status).toBe(200);
    // Ann at the operator's terminal, typing her own: she is not asked again.
    const own = await withStdin(
      ["users", "reset-password", "ann@acme.example", "--password-stdin", "--own-password"],
      w.env,
      "ann-password-789",
    );
    expect([own.code, own.stdout]).toEqual([
      0,
      "New password set for ann@acme.example; their sessions have ended.\n",
    ]);
    expect((await login("ann@acme.example", "ann-password-789")).body.user?.mustChangePassword).toBe(false);
  });

  it("asks for a password on a terminal without echoing it, twice, and refuses two different entries", async () => {
    const typed = await onTerminal(
      ["users", "add", "dee@acme.example", "--role", "admin", "--all-companies"],
      w.env,
      [
        ["characters): ", "dee-typed-secret-1"],
        ["again: ", "dee-typed-secret-1"],
      ],
    );
    expect(typed.code, typed.screen).toBe(0);
    expect(typed.screen).toContain("New password for dee@acme.example (at least 12 characters): ");
    expect(typed.screen).toContain("Added dee@acme.example (admin, sees every company).");
    expect(typed.screen).toContain(
      "dee@acme.example will be asked to choose their own password when they first sign in.",
    );
    expect(typed.screen).not.toContain("dee-typed-secret-1");
    expect((await login("dee@acme.example", "dee-typed-secret-1")).status).toBe(200);

    const differ = await onTerminal(["users", "reset-password", "dee@acme.example"], w.env, [
      ["characters): ", "dee-typed-secret-2"],
      ["again: ", "dee-typed-secret-3"],
    ]);
    expect(differ.code).toBe(2);
    expect(differ.screen).toContain("password: the two entries differ; nothing was changed");
    expect((await login("dee@acme.example", "dee-typed-secret-1")).status).toBe(200);
  });

  it("an operator locked out makes an admin; the last admin who can sign in is never demoted or disabled", async () => {
    // Everyone who could manage accounts is gone but the first admin; they forgot the password.
    expect((await run("users", "disable", "dee@acme.example")).code).toBe(0);
    const last = await run("users", "set-role", "admin@localhost", "read-only");
    expect(last.code).toBe(5);
    expect(last.stderr).toContain("admin@localhost is the last operator-wide admin who can sign in");
    expect((await run("users", "disable", "admin@localhost")).code).toBe(5);
    const promoted = await run("users", "set-role", "ann@acme.example", "admin");
    expect([promoted.code, promoted.stdout]).toEqual([0, "ann@acme.example: bookkeeper → admin.\n"]);
    // Ann is still scoped to acme: a company's admin manages no accounts, so admin@localhost stays last.
    expect((await run("users", "disable", "admin@localhost")).code).toBe(5);
    // Nor may the last one be narrowed to one company; an unknown company is refused, naming the ones there are.
    const narrowed = await run("users", "set-scope", "admin@localhost", "--company", "acme");
    expect(narrowed.code).toBe(5);
    expect(narrowed.stderr).toContain("admin@localhost is the last operator-wide admin who can sign in");
    const nowhere = await run("users", "set-scope", "ann@acme.example", "--company", "nope");
    expect([nowhere.code, nowhere.stderr.trim()]).toEqual([
      2,
      '--company: no company "nope" (there are: acme)',
    ]);
    const widened = await run("users", "set-scope", "ann@acme.example", "--all-companies");
    expect([widened.code, widened.stdout]).toEqual([
      0,
      "ann@acme.example now sees every company (was acme).\n",
    ]);
    const back = await run("users", "set-scope", "ann@acme.example", "--company", "acme");
    expect([back.code, back.stdout]).toEqual([0, "ann@acme.example now sees acme (was every company).\n"]);
    // The operator makes an admin for themselves, with a password they chose: not asked again.
    const made = await withStdin(
      [
        "users",
        "add",
        "ops@example.com",
        "--role",
        "admin",
        "--all-companies",
        "--password-stdin",
        "--own-password",
        "--json",
      ],
      w.env,
      "ops-password-123\n",
    );
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({
      email: "ops@example.com",
      role: "admin",
      companyId: null,
      mustChangePassword: false,
    });
    const ops = await login("ops@example.com", "ops-password-123");
    const usersOverHttp = await fetch(`${server.url}/api/v1/auth/users`, {
      headers: { cookie: ops.cookie! },
    });
    expect(usersOverHttp.status).toBe(200);
    expect((await run("users", "disable", "admin@localhost")).code).toBe(0);
  });

  it("users log shows every change made here, naming the operator, never a secret", async () => {
    const log = await run("users", "log", "--json", "--limit", "500");
    expect(log.code).toBe(0);
    const items = (JSON.parse(log.stdout) as { items: AuthEvent[] }).items;
    const ann = items.filter((e) => e.subject === "ann@acme.example").map((e) => [e.action, e.actor]);
    expect(ann.reverse()).toEqual([
      ["user.created", actor],
      ["user.disabled", actor],
      ["user.enabled", actor],
      ["user.password_reset", actor],
      ["user.password_reset", actor],
      ["user.password_reset", actor],
      ["user.role_changed", actor],
      ["user.scope_changed", actor],
      ["user.scope_changed", actor],
    ]);
    expect(items.filter((e) => e.subject.startsWith("billing app")).map((e) => e.action)).toEqual([
      "key.revoked",
      "key.created",
    ]);
    expect(log.stdout).not.toMatch(/password-\d{3}|typed-secret|argon2|llk_[A-Za-z0-9_-]{20}/);
    const text = await run("users", "log", "--limit", "3");
    expect(text.stdout.split("\n")[0]).toMatch(/^AT\s+WHO\s+ACTION\s+ACCOUNT\s+DETAIL$/);
  });
});
