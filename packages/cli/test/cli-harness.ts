import { execFile, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createEmulator, type Emulator } from "@ledgerlink/emulator";
import { createLedgerlink, type Ledgerlink } from "@ledgerlink/server";

/** The built binary: subprocess tests run what users run (`npx tsc -b` first). */
export const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ledgerlink <args>` as a subprocess with only `env` (plus PATH) as its environment; never throws. */
export function ledgerlink(
  args: readonly string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<CliRun> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npx tsc -b\` first (npm test does)`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env["PATH"] ?? "", ...env }, ...(cwd ? { cwd } : {}) },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `ledgerlink <args>` and hands back the child, for verbs that wait (connect). */
export function spawnLedgerlink(
  args: readonly string[],
  env: Record<string, string>,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [bin, ...args], { env: { PATH: process.env["PATH"] ?? "", ...env } });
}

/** The QBO emulator on a loopback port, a fresh SQLite file and the environment pointing at both. */
export interface CliWorld {
  emu: Emulator;
  url: string;
  dir: string;
  dbUrl: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startCliWorld(company = "acme"): Promise<CliWorld> {
  const emu = createEmulator();
  const server = await emu.listen({ port: 0, host: "127.0.0.1" });
  const dir = mkdtempSync(join(tmpdir(), "ledgerlink-cli-"));
  const dbUrl = `sqlite:${join(dir, "ll.db")}`;
  return {
    emu,
    url: server.url,
    dir,
    dbUrl,
    env: {
      DATABASE_URL: dbUrl,
      QBO_BASE_URL: server.url,
      LEDGERLINK_COMPANY: company,
      LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 9).toString("base64"),
      REPORT_DIR: join(dir, "reports"),
      NO_COLOR: "1",
    },
    close: () => server.close(),
  };
}

/** The library on the world's database and emulator, as the business app embeds it (to put records in). */
export function worldLedgerlink(world: CliWorld, company = "acme"): Promise<Ledgerlink> {
  const realmId = world.emu.defaultRealmId;
  return createLedgerlink({
    database: world.dbUrl,
    company,
    qbo: {
      baseUrl: world.url,
      realmId,
      getAccessToken: () => Promise.resolve(world.emu.issueAccessToken(realmId)),
    },
  });
}

/** Creates a customer in the emulator's QBO company, as someone typing it in by hand. */
export async function createQboCustomer(world: CliWorld, body: Record<string, unknown>): Promise<string> {
  const realm = world.emu.defaultRealmId;
  const res = await fetch(`${world.url}/v3/company/${realm}/customer?minorversion=75`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${world.emu.issueAccessToken(realm)}`,
      "content-type": "application/json",
      accept: "application/json",
    },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`emulator answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { Customer: { Id: string } }).Customer.Id;
}

/** Any terminal control sequence (colour, cursor moves, line clears) or carriage return. */
// eslint-disable-next-line no-control-regex
export const controlCharacters = /[\u001b\r\u0007\u0008]/;
