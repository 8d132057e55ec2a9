import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  controlCharacters,
  createQboCustomer,
  ledgerlink,
  spawnLedgerlink,
  startCliWorld,
  type CliWorld,
  worldLedgerlink,
} from "../test/cli-harness.js";

/**
 * Every verb of the console from a terminal: the built binary as a subprocess, the QBO emulator over
 * HTTP, a real SQLite file. One company's story, in order: connect, status, plan, sync, errors, fix,
 * review, merge and unmerge, report, export.
 */
describe("ledgerlink verbs against the emulator over HTTP (SQLite)", () => {
  let w: CliWorld;
  const run = (...args: string[]) => ledgerlink(args, w.env);
  const json = async <T>(args: string[], code: number): Promise<T> => {
    const r = await ledgerlink([...args, "--json"], w.env);
    expect(r.code, r.stderr + r.stdout).toBe(code);
    return JSON.parse(r.stdout) as T;
  };
  const posts = () => w.emu.realm(w.emu.defaultRealmId).requestLog.filter((r) => r.method === "POST");

  beforeAll(async () => {
    w = await startCliWorld();
    // A different business that happens to hold the same name: its email and address disagree with the
    // app's, so the matcher keeps them apart and the name clash is the validator's (rename fixes).
    await createQboCustomer(w, {
      DisplayName: "Taken Name",
      PrimaryEmailAddr: { Address: "office@taken-tx.example" },
      PrimaryPhone: { FreeFormNumber: "(214) 555-0142" },
      BillAddr: { Line1: "9 Ranch Rd", City: "Dallas", CountrySubDivisionCode: "TX", PostalCode: "75201" },
    });
    await createQboCustomer(w, {
      DisplayName: "Harbour Dental Group",
      PrimaryEmailAddr: { Address: "hd@x.example" },
    });
    const ll = await worldLedgerlink(w);
    await ll.records.upsertCustomers([
      { id: "1042", displayName: "Big Duplicating Co.", active: true },
      { id: "1043", parentId: "1042", displayName: "12 Elm St", active: true },
      {
        id: "1044",
        displayName: "Taken Name",
        email: "hello@taken-or.example",
        phone: "(503) 555-0188",
        billingAddress: { line1: "88 Alder St", city: "Portland", region: "OR", postalCode: "97204" },
        active: true,
      },
      { id: "1050", displayName: "Big Duplicating Company", email: "ap@bigdup.example", active: true },
    ]);
    await ll.close();
  });
  afterAll(() => w?.close());

  it("connect prints the authorize URL, catches the OAuth callback on a loopback port, and status shows it", async () => {
    const child = spawnLedgerlink(["connect", "--timeout", "20"], w.env);
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const authorizeUrl = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        const line = stdout.split("\n").find((l) => l.startsWith("http"));
        if (line) resolve(line);
      });
      child.once("exit", () => reject(new Error(`connect exited early: ${stderr}`)));
    });
    expect(authorizeUrl).toContain(`${w.url}/`);
    expect(new URL(authorizeUrl).searchParams.get("redirect_uri")).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/callback$/,
    );
    expect(stderr).toContain('Open this URL in a browser to connect "acme"');
    // The browser: the emulator consents by itself and redirects to the CLI's loopback port.
    const page = await fetch(authorizeUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Ledgerlink is connected to QuickBooks");
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`Connected acme to QuickBooks company ${w.emu.defaultRealmId}.`);

    const status = await run("status");
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/QuickBooks:\s+connected \(emulator, realm \d+\)/);
    expect(status.stdout).toMatch(/Customers:\s+4 \(0 linked to QuickBooks\)/);
    expect(status.stdout).toMatch(/Last sync:\s+never/);
    expect(status.stdout).not.toMatch(controlCharacters);
  });

  it("plan (= sync --dry-run) shows the plan, exits 1 for a blocked record, and writes nothing to QBO or the database", async () => {
    const postsBefore = posts().length;
    const [planRun, text] = await Promise.all([run("plan", "--json"), run("sync", "--dry-run")]);
    expect(planRun.code, planRun.stderr).toBe(1);
    const plan = JSON.parse(planRun.stdout) as {
      company: string;
      dryRun: true;
      counts: Record<string, number>;
      steps: {
        ref: string;
        action: string;
        reason: string;
        name: string | null;
        findings: { rule: string }[];
      }[];
    };
    expect(plan).toMatchObject({ company: "acme", dryRun: true });
    expect(plan.steps.find((s) => s.ref === "C:1042")).toMatchObject({
      action: "create",
      name: "Big Duplicating Co.",
    });
    const blocked = plan.steps.find((s) => s.ref === "C:1044")!;
    expect(blocked.action).toBe("blocked");
    expect(blocked.findings.length).toBeGreaterThan(0);
    expect(plan.counts["blocked"]).toBe(1);

    expect(text.code).toBe(1);
    expect(text.stdout).toContain("Plan for acme (dry run, nothing written):");
    expect(text.stdout).toMatch(/blocked\s+C:1044\s+Taken Name/);

    expect(posts()).toHaveLength(postsBefore);
    const store = await openStore({ url: w.dbUrl });
    try {
      expect(await store.company("acme").sync.listRunSummaries({ limit: 5 })).toEqual([]);
      expect((await store.company("acme").listCustomerLinks()).size).toBe(0);
    } finally {
      await store.close();
    }
  });

  it("sync --record syncs one record and what it needs; sync --company of an unknown id is a clean empty company", async () => {
    const [one, bad] = await Promise.all([
      run("sync", "--record", "C:1043", "--company", "acme"),
      run("sync", "--record", "1043"),
    ]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/C:1042\s+created as QBO \d+/);
    expect(one.stdout).toMatch(/C:1043\s+created as QBO \d+/);
    expect(one.stdout).not.toContain("C:1044");
    expect(one.stderr).toBe(""); // no progress display when stderr is not a terminal

    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--record 1043: not a record reference; expected e.g. C:1042");
  });

  it("sync runs the rest, exits 1 for the blocked record; status --json has a stable shape", async () => {
    const all = await run("sync");
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/C:1044\s+blocked: The name "Taken Name" is already used in QuickBooks/);
    expect(all.stdout).toMatch(
      /Sync (succeeded|partial): 1 created, 0 linked, 0 updated, 2 unchanged, 0 held, 1 blocked, 0 failed/,
    );

    const status = await json<Record<string, unknown>>(["status"], 0);
    expect(Object.keys(status).sort()).toEqual([
      "company",
      "connection",
      "counts",
      "lastRun",
      "problems",
      "review",
    ]);
    expect(status).toMatchObject({
      company: "acme",
      connection: { state: "connected", environment: "emulator", realmId: w.emu.defaultRealmId },
      counts: { customers: 4, linkedCustomers: 3, openErrors: 1 },
      problems: { total: 1, byCategory: [{ category: "duplicate", title: "Duplicates", count: 1 }] },
      review: { open: 0 },
      lastRun: {
        status: expect.stringMatching(/succeeded|partial/),
        counts: expect.objectContaining({ blocked: 1 }),
      },
    });
  });

  let errorId = "";
  it("errors lists open problems with their fixes (exit 1), filters by category (exit 0 when none), and refuses a bad category", async () => {
    const page = await json<{
      company: string;
      total: number;
      groups: { category: string; count: number }[];
      items: { id: string; ref: string; category: string; recordName: string; fixes: { action: string }[] }[];
      nextCursor: string | null;
    }>(["errors"], 1);
    expect(page).toMatchObject({
      company: "acme",
      total: 1,
      nextCursor: null,
      groups: [{ category: "duplicate", count: 1 }],
    });
    const item = page.items[0]!;
    expect(item).toMatchObject({ ref: "C:1044", category: "duplicate", recordName: "Taken Name" });
    expect(item.fixes.map((f) => f.action)).toContain("rename");
    errorId = item.id;

    const [text, none, bad] = await Promise.all([
      run("errors"),
      run("errors", "--category", "mapping"),
      run("errors", "--category", "nonsense"),
    ]);
    expect(text.stdout).toMatch(/^1 open problem in acme: Duplicates 1/);
    expect(text.stdout).toMatch(new RegExp(`${errorId}\\s+duplicate\\s+C:1044\\s+Taken Name`));

    expect(none.code).toBe(0);
    expect(none.stdout).toContain("No open problems in acme.");

    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("argument 'nonsense' is invalid. Allowed choices are duplicate");
  });

  it("fix lists a problem's fixes, refuses a fix it does not offer, and applies a rename that clears it", async () => {
    const [offered, wrong, unknown, preview] = await Promise.all([
      run("fix", errorId),
      run("fix", errorId, "map-item"),
      run("fix", "no-such-id", "rename"),
      run("fix", errorId, "rename", "--preview", "--param", "value=Elm Street Printing"),
    ]);
    expect(offered.code).toBe(0);
    expect(offered.stdout).toMatch(/rename\s+/);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`"map-item" is not a fix for problem ${errorId} of C:1044`);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No problem no-such-id in company "acme"');
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain("Preview: C:1044 rename");
    expect(preview.stdout).toContain('displayName: "Taken Name" → "Elm Street Printing"');

    const fixed = await json<{
      applied: boolean;
      ref: string;
      changes: unknown[];
      revalidated: { clean: boolean };
    }>(["fix", errorId, "rename", "--param", "value=Elm Street Printing"], 0);
    expect(fixed).toMatchObject({
      applied: true,
      ref: "C:1044",
      changes: [{ field: "displayName", before: "Taken Name", after: "Elm Street Printing" }],
      revalidated: { clean: true },
    });
  });

  it("review lists a pair waiting for a person, accepts it (exit 0), and refuses to accept it twice (exit 5)", async () => {
    const harbour = w.emu
      .realm(w.emu.defaultRealmId)
      .list("Customer")
      .find((c) => (c as { DisplayName: string }).DisplayName === "Harbour Dental Group") as { Id: string };
    const ll = await worldLedgerlink(w);
    await ll.records.upsertCustomers([{ id: "1060", displayName: "Harbor Dental", active: true }]);
    await ll.close();
    const store = await openStore({ url: w.dbUrl });
    await store
      .company("acme")
      .review.saveReviewSuggestions(
        "run-x",
        [{ localId: "1060", qboId: harbour.Id, score: 0.81, reasons: ["name similar"] }],
        new Date().toISOString(),
      );
    await store.close();

    const [listed, list] = await Promise.all([run("review", "--json"), run("review", "list")]);
    expect(listed.code).toBe(1);
    const page = JSON.parse(listed.stdout) as {
      company: string;
      items: { id: string; ref: string; qboId: string; qbo: { name: string } }[];
    };
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      ref: "C:1060",
      qboId: harbour.Id,
      qbo: { name: "Harbour Dental Group" },
    });
    expect(list.stdout).toMatch(/C:1060\s+Harbor Dental\s+\d+\s+Harbour Dental Group\s+0\.81\s+name similar/);

    const accepted = await run("review", "accept", page.items[0]!.id);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain(`C:1060: link QBO customer ${harbour.Id}`);
    const [again, empty] = await Promise.all([run("review", "accept", page.items[0]!.id), run("review")]);
    expect(again.code).toBe(5);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain("No matches waiting for review in acme.");
  });

  it("merge moves one customer into another; unmerge restores it; a second unmerge is refused (exit 5)", async () => {
    const [mergeRun, self] = await Promise.all([
      run("merge", "1042", "1050", "--json"),
      run("merge", "1042", "1042"),
    ]);
    expect(mergeRun.code, mergeRun.stderr).toBe(0);
    const merged = JSON.parse(mergeRun.stdout) as {
      mergeId: string;
      survivorId: string;
      mergedId: string;
      changed: string[];
    };
    expect(merged).toMatchObject({ survivorId: "1042", mergedId: "1050" });
    expect(merged.changed).toContain("C:1050");
    expect(self.code).toBe(2);

    const undone = await run("unmerge", merged.mergeId);
    expect(undone.code, undone.stderr).toBe(0);
    expect(undone.stdout).toContain(`Undid merge ${merged.mergeId}; restored`);
    const twice = await run("unmerge", merged.mergeId);
    expect(twice.code).toBe(5);
    expect(twice.stderr).toContain("was already undone");
  });

  it("report prints the last run as JSON, CSV or HTML and --email writes it to REPORT_DIR without a mail server; export-unmatched writes QBO's import CSV", async () => {
    const report = await json<{ runs: { id: string }[]; counts: Record<string, number> }>(["report"], 0);
    expect(report.runs).toHaveLength(1);
    expect(report.counts["created"]).toBe(1);
    const [csv, html, noRun, exported, emailed] = await Promise.all([
      run("report", "--format", "csv"),
      run("report", "--run", report.runs[0]!.id),
      run("report", "--run", "nope"),
      run("export-unmatched"),
      run("report", "--email"),
    ]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split("\n")[0]).toContain(",");
    expect(html.stdout).toMatch(/^<!doctype html>/i);

    expect(emailed.code, emailed.stderr).toBe(0);
    expect(emailed.stdout).toMatch(/Not emailed: no mail server is configured \(SMTP_URL\)\. Written to /);
    const dir = join(w.dir, "reports", "acme", report.runs[0]!.id);
    expect(readdirSync(dir)).toContain("sync-report.html");

    expect(noRun.code).toBe(2);

    expect(exported.code).toBe(0);
    expect(exported.stdout.split("\n")[0]).toMatch(/Name/);
    expect(exported.stdout).toContain("Elm Street Printing");
    expect(exported.stderr).toMatch(/customers? exported/);
  });

  it("report --from/--to reports on a period (every run in it, a day given as --to counted whole); a bad period or a mix with --run is bad usage", async () => {
    const store = await openStore({ url: w.dbUrl });
    const runs = await store.company("acme").sync.listRunSummaries({ limit: 50 });
    await store.close();
    expect(runs.length).toBeGreaterThan(1);
    const today = new Date().toISOString().slice(0, 10);
    const [all, before, csv, bad, backwards, mixed, emailed, twoEnds] = await Promise.all([
      run("report", "--from", "2000-01-01", "--to", today, "--json"),
      run("report", "--from", "2000-01-01", "--to", "2000-01-31", "--json"),
      run("report", "--from", "2000-01-01", "--format", "csv"),
      run("report", "--from", "last tuesday"),
      run("report", "--from", today, "--to", "2000-01-01"),
      run("report", "--from", "2000-01-01", "--run", runs[0]!.id),
      run("report", "--from", "2000-01-01", "--email"),
      run("report", "--from", "2000-01-01", "--to", today, "--to", today),
    ]);
    expect(all.code, all.stderr).toBe(0);
    const period = JSON.parse(all.stdout) as {
      scope: { kind: string; from: string; to: string };
      runs: { id: string }[];
    };
    expect(period.scope).toMatchObject({ kind: "period", from: "2000-01-01T00:00:00.000Z" });
    // A day given as --to includes that day: the period ends when the next one starts.
    expect(new Date(period.scope.to).getTime() - new Date(`${today}T00:00:00Z`).getTime()).toBe(86_400_000);
    expect(period.runs.map((r) => r.id).sort()).toEqual(runs.map((r) => r.id).sort());
    expect(before.code).toBe(0);
    expect((JSON.parse(before.stdout) as { runs: unknown[] }).runs).toEqual([]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split("\n")[0]).toContain(",");

    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--from: give a date (2026-11-01) or a date and time");
    expect(bad.stderr).toContain('got "last tuesday"');
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain("--to: the period must end after it starts");
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("--run and --from: report on a run or on a period, not both");
    expect(emailed.code).toBe(2);
    expect(emailed.stderr).toContain("--email sends a run's report; leave out --from/--to");
    expect(twoEnds.code).toBe(2);
    expect(twoEnds.stderr).toContain("--to: a period has one end");
  });
});

describe("ledgerlink init, config and migrate (no QBO needed)", () => {
  let w: CliWorld;
  beforeAll(async () => {
    w = await startCliWorld();
  });
  afterAll(() => w?.close());

  it("migrate --status shows pending migrations (exit 1), migrate applies them, then all are applied (exit 0)", async () => {
    const env = { ...w.env, DATABASE_URL: `sqlite:${join(w.dir, "fresh.db")}` };
    const pending = await ledgerlink(["migrate", "--status", "--json"], env);
    expect(pending.code).toBe(1);
    const p = JSON.parse(pending.stdout) as {
      dialect: string;
      applied: string[];
      pending: number;
      migrations: { name: string; executedAt: string | null }[];
    };
    expect(p.dialect).toBe("sqlite");
    expect(p.applied).toEqual([]);
    expect(p.pending).toBe(p.migrations.length);
    expect(p.migrations[0]).toEqual({ name: "0001-initial", executedAt: null });

    const applied = await ledgerlink(["migrate"], env);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/0001-initial\s+applied now/);
    expect(applied.stdout).toContain(`Applied ${p.migrations.length} migrations; the schema is up to date.`);
    const after = JSON.parse((await ledgerlink(["migrate", "--status", "--json"], env)).stdout) as {
      pending: number;
    };
    expect(after.pending).toBe(0);
  });

  it("verbs started together on a new SQLite file each find the schema made, and every migration runs once", async () => {
    // Kysely locks nothing across processes on SQLite: before, one of four raced into "table already exists".
    for (let round = 0; round < 3; round++) {
      const env = { ...w.env, DATABASE_URL: `sqlite:${join(w.dir, `raced-${round}.db`)}` };
      const runs = await Promise.all(Array.from({ length: 4 }, () => ledgerlink(["migrate", "--json"], env)));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      const outcomes = runs.map((r) => JSON.parse(r.stdout) as { applied: string[]; pending: number });
      const applied = outcomes.flatMap((o) => o.applied).sort();
      const all = (
        JSON.parse((await ledgerlink(["migrate", "--status", "--json"], env)).stdout) as {
          migrations: { name: string }[];
        }
      ).migrations.map((m) => m.name);
      expect(applied, "each migration applied by exactly one of the four").toEqual([...all].sort());
      for (const o of outcomes) expect(o.pending).toBe(0);
    }
  }, 90_000);

  it("init writes a commented config file, refuses to overwrite it, and every verb reads it; every bad setting is listed at once", async () => {
    const env = {
      PATH: process.env["PATH"] ?? "",
      LEDGERLINK_TOKEN_KEY: w.env["LEDGERLINK_TOKEN_KEY"]!,
      NO_COLOR: "1",
    };
    const dbUrl = `sqlite:${join(w.dir, "from-file.db")}`;
    const init = await ledgerlink(["init", "--database", dbUrl, "--company", "filed"], env, w.dir);
    expect(init.code, init.stderr).toBe(0);
    const text = readFileSync(join(w.dir, "ledgerlink.env"), "utf8");
    expect(text).toContain(`DATABASE_URL=${dbUrl}`);
    expect(text).toContain("# QBO_ENVIRONMENT=emulator");
    // The first verb creates the database; the rest then read it side by side.
    const statusRun = await ledgerlink(["status", "--json"], env, w.dir);
    const [again, fromEnvRun, bad] = await Promise.all([
      ledgerlink(["init"], env, w.dir),
      ledgerlink(["status", "--json"], { ...env, LEDGERLINK_COMPANY: "envco" }, w.dir),
      ledgerlink(
        ["status", "--company", "no spaces allowed"],
        { ...env, LEDGERLINK_CONFIG: join(w.dir, "ledgerlink.env"), PORT: "eighty" },
        w.dir,
      ),
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists already; pass --force to overwrite it");

    // The file is read from the working directory; a flag beats the environment, which beats the file.
    const status = JSON.parse(statusRun.stdout) as { company: string };
    expect(status.company).toBe("filed");
    const fromEnv = JSON.parse(fromEnvRun.stdout) as { company: string };
    expect(fromEnv.company).toBe("envco");
    expect(existsSync(join(w.dir, "from-file.db"))).toBe(true);

    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Invalid configuration:");
    expect(bad.stderr).toContain("PORT:");
    expect(bad.stderr).toContain("(from the environment)");
    expect(bad.stderr).toContain(
      "LEDGERLINK_COMPANY: letters, digits, '-' and '_' only, at most 64 (from --company)",
    );
  });

  it("a bad flag gets commander's message and exit 2; --help lists the verbs and the exit codes", async () => {
    const [bad, help] = await Promise.all([
      ledgerlink(["status", "--bogus"], w.env),
      ledgerlink(["--help"], w.env),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error: unknown option '--bogus'");
    expect(help.code).toBe(0);
    for (const verb of [
      "init",
      "connect",
      "status",
      "plan",
      "sync",
      "errors",
      "fix",
      "review",
      "merge",
      "unmerge",
      "export-unmatched",
      "report",
      "migrate",
    ])
      expect(help.stdout).toMatch(new RegExp(`^  ${verb}\\b`, "m"));
    expect(help.stdout).toContain("3  QuickBooks needs reconnecting");
  });
});
