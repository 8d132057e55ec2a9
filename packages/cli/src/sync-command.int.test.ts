import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createEmulator } from "@ledgerlink/emulator";
import { createLedgerlink } from "@ledgerlink/server";
import { openStore } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/** Runs the built `ledgerlink` binary as a user would, with only environment configuration. */
async function ledgerlink(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("ledgerlink sync against the emulator over HTTP", () => {
  const emu = createEmulator();
  let server: Awaited<ReturnType<typeof emu.listen>>;
  let env: Record<string, string>;
  const dbUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), "ledgerlink-cli-")), "ll.db")}`;

  beforeAll(async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does)`);
    server = await emu.listen({ port: 0, host: "127.0.0.1" });
    env = {
      DATABASE_URL: dbUrl,
      QBO_BASE_URL: server.url,
      LEDGERLINK_COMPANY: "acme",
      LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 9).toString("base64"),
    };

    // Someone typed "Taken Name" into QBO by hand.
    const token = emu.issueAccessToken(emu.defaultRealmId);
    const res = await fetch(`${server.url}/v3/company/${emu.defaultRealmId}/customer?minorversion=75`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify({ DisplayName: "Taken Name" }),
    });
    expect(res.status).toBe(200);

    const ll = await createLedgerlink({
      database: dbUrl,
      company: "acme",
      qbo: {
        baseUrl: server.url,
        realmId: emu.defaultRealmId,
        getAccessToken: () => Promise.resolve(emu.issueAccessToken(emu.defaultRealmId)),
      },
    });
    await ll.records.upsertCustomers([
      { id: "1042", displayName: "Big Duplicating Co.", active: true },
      { id: "1043", parentId: "1042", displayName: "12 Elm St", active: true },
      { id: "1044", displayName: "Taken Name", active: true },
    ]);
    await ll.close();
  });
  afterAll(() => server?.close());

  it("creates parent then child once, holds the name QBO already has before sending it, and does nothing the second time", async () => {
    const first = await ledgerlink(["sync"], env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(1); // one record is blocked
    expect(first.stdout).toMatch(/C:1042\s+created as QBO \d+/);
    expect(first.stdout).toMatch(/C:1044\s+blocked: The name "Taken Name" is already used in QuickBooks/);
    expect(first.stdout).toContain(
      "2 created, 0 linked, 0 updated, 0 unchanged, 0 held, 1 blocked, 0 failed",
    );
    // Caught before sending: QBO never saw a request for it, so never answered 6240.
    expect(emu.realm(emu.defaultRealmId).requestLog.filter((r) => r.status === 400)).toEqual([]);

    const customers = emu.realm(emu.defaultRealmId).list("Customer") as {
      Id: string;
      DisplayName: string;
      Job?: boolean;
      ParentRef?: { value: string };
      FullyQualifiedName?: string;
    }[];
    const parent = customers.find((c) => c.DisplayName === "Big Duplicating Co.")!;
    const child = customers.find((c) => c.DisplayName === "12 Elm St")!;
    expect(child).toMatchObject({ Job: true, ParentRef: { value: parent.Id } });
    expect(child.FullyQualifiedName).toBe("Big Duplicating Co.:12 Elm St");
    expect(customers.filter((c) => c.DisplayName === "Taken Name")).toHaveLength(1);

    const store = await openStore({ url: dbUrl });
    try {
      const company = store.company("acme");
      const links = await company.listCustomerLinks();
      expect([...links.keys()].sort()).toEqual(["1042", "1043"]);
      expect(links.get("1042")!.qboId).toBe(parent.Id);
      const errors = await company.listOpenErrors();
      expect(errors).toEqual([
        expect.objectContaining({ ref: "C:1044", localId: "1044", category: "duplicate" }),
      ]);
    } finally {
      await store.close();
    }

    const second = await ledgerlink(["sync"], env);
    expect(second.stdout).toContain(
      "0 created, 0 linked, 0 updated, 2 unchanged, 0 held, 1 blocked, 0 failed",
    );
    const after = emu.realm(emu.defaultRealmId).list("Customer");
    expect(after).toHaveLength(customers.length);
  });

  it("shows the plan on --dry-run and writes nothing", async () => {
    const before = emu.realm(emu.defaultRealmId).list("Customer").length;
    const dry = await ledgerlink(["sync", "--dry-run"], env);
    expect(dry.stdout).toContain("dry run, nothing written");
    expect(dry.stdout).toMatch(/skip\s+C:1042/);
    expect(emu.realm(emu.defaultRealmId).list("Customer")).toHaveLength(before);
  });

  it("rejects a bad flag with usage exit code 2", async () => {
    const bad = await ledgerlink(["sync", "--bogus"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option '--bogus'");
  });
});
