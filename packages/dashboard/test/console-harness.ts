import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { systemClock } from "@ledgerlink/core";
import { createEmulator, type Emulator, type EmulatorOptions } from "@ledgerlink/emulator";
import { apiDepsOf, ConnectionService, createApp, hashPassword, loadConfig } from "@ledgerlink/server";
import { openStore, type DatabaseConfig, type Store } from "@ledgerlink/store";
import { chromium, type Browser, type Page } from "playwright-core";

const dashboardDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(dashboardDir, "..", "..");
/** Debian's chromium, as .ci/run installs it (never a browser downloaded by Playwright). */
export const chromiumPath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
export const screenshotDir = join(repoRoot, "test-results", "dashboard");

/**
 * Builds the console from its current source into packages/dashboard/dist (what the server serves),
 * once per version of the source. Every browser suite calls this, several run at once, and vite empties
 * dist before writing it: a rebuild while another suite's page reloads served it a blank page (the Team
 * & access test timed out on its reload in CI). So the source is hashed, one process builds under a
 * lock, and the others (and later suites) find the build already made from that source.
 */
export function buildDashboard(): void {
  const stamp = join(repoRoot, "test-results", "dashboard-built-from.sha256");
  const hash = dashboardSourceHash();
  const built = () =>
    existsSync(join(dashboardDir, "dist", "index.html")) &&
    existsSync(stamp) &&
    readFileSync(stamp, "utf8") === hash;
  if (built()) return;
  withLock(join(repoRoot, "test-results", "dashboard-build.lock"), () => {
    if (built()) return;
    const vite = join(repoRoot, "node_modules", "vite", "bin", "vite.js");
    execFileSync(process.execPath, [vite, "build", "--logLevel", "error"], {
      cwd: dashboardDir,
      stdio: "pipe",
    });
    writeFileSync(stamp, hash);
  });
}

/** What the build is made from: the console's source (not its tests), its page and its build settings. */
function dashboardSourceHash(): string {
  const h = createHash("sha256");
  const files = [
    ...readdirSync(join(dashboardDir, "src"), { recursive: true })
      .map((f) => join("src", String(f)))
      .filter((f) => !f.includes(".test.") && statSync(join(dashboardDir, f)).isFile()),
    "index.html",
    "vite.config.ts",
    "package.json",
  ].sort();
  for (const f of files)
    h.update(f)
      .update("\0")
      .update(readFileSync(join(dashboardDir, f)))
      .update("\0");
  return h.digest("hex");
}

/** Runs `fn` holding a lock directory; one left by a process that died is taken after two minutes. */
function withLock(dir: string, fn: () => void): void {
  mkdirSync(dirname(dir), { recursive: true });
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (const deadline = Date.now() + 300_000; ;) {
    try {
      mkdirSync(dir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const heldSince = statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - heldSince > 120_000) rmSync(dir, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new Error(`waited 5 minutes for ${dir}; remove it if no build is running`);
      Atomics.wait(wait, 0, 0, 200);
    }
  }
  try {
    fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunningConsole {
  /** Where the console is, e.g. http://127.0.0.1:40123 */
  url: string;
  company: string;
  store: Store;
  emu: Emulator;
  emulatorUrl: string;
  /** A console admin the browser signs in as. */
  credentials: { email: string; password: string };
  /** `authorization` for API calls the test makes beside the browser (an operator-wide admin key). */
  apiHeaders: Record<string, string>;
  /** Fills in and submits the sign-in form the console shows first. */
  signIn(page: Page): Promise<void>;
  close(): Promise<void>;
}

/**
 * The emulator and the Ledgerlink server (API + built console) on ephemeral loopback ports, with a
 * fresh store. The server's public URL is its real address, so the OAuth round trip through the
 * emulator comes back to it.
 */
export async function startConsole(options: {
  database: DatabaseConfig;
  company?: string;
  emulator?: EmulatorOptions;
}): Promise<RunningConsole> {
  const company = options.company ?? "acme";
  const emu = createEmulator(options.emulator ?? {});
  const emulator = await emu.listen({ port: 0, host: "127.0.0.1" });
  const store = await openStore(options.database);
  await store.ensureCompany(company, "Acme Plumbing");
  // The app needs the server's own address (OAuth redirect URI), known only once it listens.
  const late: { fetch?: (req: Request) => Response | Promise<Response> } = {};
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: (req) => (late.fetch ? late.fetch(req) : new Response("starting", { status: 503 })),
        port: 0,
        hostname: "127.0.0.1",
      },
      () => resolve(s),
    );
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({
    LEDGERLINK_COMPANY: company,
    QBO_BASE_URL: emulator.url,
    LEDGERLINK_PUBLIC_URL: url,
    LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 9).toString("base64"),
  });
  const connections = new ConnectionService({ store, config, clock: systemClock });
  const base = { config, store, connections, clock: systemClock };
  // As startServer composes it: Sync Now runs in the background and publishes to the event hub.
  const { syncService, events } = apiDepsOf(base);
  const app = createApp({ ...base, syncService, events });
  late.fetch = (req) => app.fetch(req);
  const credentials = { email: "bookkeeper-admin@acme.example", password: "correct horse battery staple" };
  const at = new Date().toISOString();
  await store.auth.createUser({
    email: credentials.email,
    name: "Console test admin",
    passwordHash: await hashPassword(credentials.password),
    role: "admin",
    companyId: null,
    at,
  });
  const { key } = await store.auth.createApiKey({
    name: "console test",
    role: "admin",
    companyId: null,
    createdBy: "console-harness",
    at,
  });
  return {
    url,
    company,
    store,
    emu,
    emulatorUrl: emulator.url,
    credentials,
    apiHeaders: { authorization: `Bearer ${key}` },
    async signIn(page) {
      await page.getByLabel("Email").fill(credentials.email);
      await page.getByLabel("Password").fill(credentials.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("navigation", { name: "Console" }).waitFor();
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await syncService.close();
      // Event streams stay open until the server drops them.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      await store.close();
      await emulator.close();
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu"],
  });
}

/** A laptop-sized page; console errors (a CSP violation, an uncaught exception) are collected. */
export async function openPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
