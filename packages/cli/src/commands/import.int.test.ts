import { openStore, testDatabases } from "@ledgerlink/store";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
async function ledgerlink(databaseUrl: string, args: string[], nodeFlags: string[] = []): Promise<Ran> {
  const env = { ...process.env, DATABASE_URL: databaseUrl, LEDGERLINK_COMPANY: "acme" };
  try {
    const { stdout, stderr } = await run(process.execPath, [...nodeFlags, bin, "import", ...args], {
      env,
      maxBuffer: 256 * 2 ** 20,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * A database the subprocess can reach by URL alone: a SQLite file, or a PostgreSQL database made for
 * the test (the CLI takes no schema setting, so the schema-per-test trick of the other suites won't do).
 */
const dropAfter: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropAfter) await drop();
});
async function freshUrl(dialect: "sqlite" | "postgres"): Promise<string> {
  if (dialect === "sqlite")
    return `sqlite:${join(mkdtempSync(join(tmpdir(), "ledgerlink-import-")), "cli.db")}`;
  const admin = process.env["LEDGERLINK_TEST_DATABASE_URL"]!;
  const name = `ll_import_${randomBytes(5).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  dropAfter.push(async () => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

async function customersIn(url: string) {
  const store = await openStore({ url });
  try {
    return (await store.company("acme").listCustomers()).map((c) => [c.id, c.displayName]);
  } finally {
    await store.close();
  }
}

function csvFile(text: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), "ledgerlink-csv-")), "in.csv");
  writeFileSync(path, text);
  return path;
}

const mapping = ["--field", "id=Customer No", "--field", "displayName=Name", "--field", "email=Email"];

// Each step starts a node process; on a busy machine that is seconds, hence the long timeouts.
const slow = 180_000;

describe.each(testDatabases())("ledgerlink import, as a subprocess, on $dialect", ({ dialect }) => {
  it(
    "stores the valid rows, prints a table of the rejected ones and exits 1",
    async () => {
      const url = await freshUrl(dialect);
      const file = csvFile(
        "Customer No,Name,Email\n1042,Big Duplicating Co.,ap@big.example\n1043,,\n1044,O'Brien's Plumbing,\n1043,Again,\n",
      );
      const ran = await ledgerlink(url, ["customers", "--file", file, ...mapping]);
      expect(ran.code).toBe(1);
      expect(ran.stdout).toContain(
        "4 rows, 4 records (utf-8): 2 valid (2 created, 0 updated, 0 unchanged), 2 rejected",
      );
      const table = ran.stdout.slice(ran.stdout.indexOf("ROW"));
      expect(table.split("\n").slice(0, 4)).toEqual([
        expect.stringMatching(/^ROW\s+RECORD\s+FIELD\s+COLUMN\s+PROBLEM$/),
        expect.stringMatching(
          /^3\s+C:1043\s+id\s+Customer No\s+appears 2 times in this file \(rows 3 and 5\)/,
        ),
        expect.stringMatching(/^3\s+displayName\s+Name\s+is required/),
        expect.stringMatching(/^5\s+C:1043\s+id\s+Customer No\s+appears 2 times/),
      ]);
      expect(await customersIn(url)).toEqual([
        ["1042", "Big Duplicating Co."],
        ["1044", "O'Brien's Plumbing"],
      ]);
      // The same record again: exit 0, nothing changes.
      const again = await ledgerlink(url, [
        "customers",
        "--file",
        csvFile("Customer No,Name,Email\n1042,Big Duplicating Co.,ap@big.example\n"),
        ...mapping,
      ]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("1 valid (0 created, 0 updated, 1 unchanged), 0 rejected");
    },
    slow,
  );

  it(
    "previews without storing, and prints JSON for machines",
    async () => {
      const url = await freshUrl(dialect);
      const file = csvFile(
        "id,customerId,txnDate,lines.unitPrice\n77,1042,2026-11-01,95\n77,1042,2026-11-01,5\n",
      );
      const preview = await ledgerlink(url, ["invoices", "--file", file, "--preview"]);
      expect(preview.code).toBe(0);
      expect(preview.stdout).toContain("(nothing stored)");
      expect(preview.stdout).toContain('row 2: {"id":"77","customerId":"1042"');
      const json = await ledgerlink(url, ["invoices", "--file", file, "--json"]);
      expect(json.code).toBe(0);
      const result = JSON.parse(json.stdout) as { collection: string; accepted: unknown[]; records: number };
      expect(result).toMatchObject({
        collection: "invoices",
        records: 1,
        accepted: [{ row: 2, id: "77", status: "created" }],
      });
      const store = await openStore({ url });
      try {
        expect((await store.company("acme").listRecords("invoice"))[0]!.lines).toHaveLength(2);
      } finally {
        await store.close();
      }
    },
    slow,
  );

  it(
    "exits 2 naming the problem for a missing column, bad bytes or a bad flag, and stores nothing",
    async () => {
      const url = await freshUrl(dialect);
      const missing = await ledgerlink(url, ["customers", "--file", csvFile("Id,Name\n1,A\n"), ...mapping]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('the file has no column "Customer No" (mapped to id)');
      const latin = csvFile(Buffer.from("Customer No,Name,Email\n1,Ann,\n2,Café,\n", "latin1"));
      const encoding = await ledgerlink(url, ["customers", "--file", latin, ...mapping]);
      expect(encoding.code).toBe(2);
      expect(encoding.stderr).toMatch(/line 3 is not valid UTF-8 text/);
      expect(await customersIn(url)).toEqual([]);
      const told = await ledgerlink(url, [
        "customers",
        "--file",
        latin,
        ...mapping,
        "--encoding",
        "windows-1252",
      ]);
      expect(told.code).toBe(0);
      expect(await customersIn(url)).toEqual([
        ["1", "Ann"],
        ["2", "Café"],
      ]);
      for (const args of [
        ["widgets", "--file", latin],
        ["customers", "--file", "/nonexistent.csv"],
        ["customers", "--file", latin, "--field", "displayName"],
        ["customers", "--file", latin, "--company", "nobody"],
      ]) {
        const ran = await ledgerlink(url, args);
        expect(ran.code, args.join(" ")).toBe(2);
        expect(ran.stderr, args.join(" ")).toMatch(
          /unknown collection "widgets"|no such file|not field=Column|no company "nobody"/,
        );
      }
    },
    slow,
  );
});

describe("ledgerlink import of a large file", () => {
  it("streams a 50 MB file into the store with a 48 MB heap (the file is never held in memory)", async () => {
    const url = await freshUrl("sqlite");
    const path = join(mkdtempSync(join(tmpdir(), "ledgerlink-csv-")), "big.csv");
    const notes = "Regular customer; gate code 1234; call ahead before visits. ".repeat(11);
    const fd = openSync(path, "w");
    let bytes = writeSync(fd, "Customer No,Name,Email,Notes\n");
    const rows = 80_000;
    for (let i = 0; i < rows; i += 1000) {
      let chunk = "";
      for (let j = i; j < i + 1000; j++) chunk += `C${j},Customer ${j},c${j}@example.com,"${notes}${j}"\n`;
      bytes += writeSync(fd, chunk);
    }
    closeSync(fd);
    expect(bytes).toBeGreaterThan(50 * 2 ** 20);
    const ran = await ledgerlink(
      url,
      ["customers", "--file", path, ...mapping, "--field", "notes=Notes"],
      ["--max-old-space-size=48"],
    );
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`${rows} valid (${rows} created, 0 updated, 0 unchanged), 0 rejected`);
    const store = await openStore({ url });
    try {
      expect((await store.company("acme").counts()).customers).toBe(rows);
    } finally {
      await store.close();
    }
  }, 600_000);
});
