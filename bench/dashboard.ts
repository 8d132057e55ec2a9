/**
 * bench/dashboard.ts — the console's first-load budget (issue 9), measured in Debian's chromium:
 *
 * 1. Initial JavaScript: the scripts index.html loads before the console can draw (entry + module
 *    preloads), gzipped at level 9 as the server sends them. Target ≤ 300 kB. Baseline, built in the same
 *    run with the same Vite: React + ReactDOM rendering one element (the framework's own floor).
 * 2. The Errors page with 10,000 open problems in the store (SQLite): time from navigation start until
 *    the first rows and the category counts are on screen, median of 5 fresh page loads. Target ≤ 1 s.
 *    Baseline, same run: the same page over an empty store (the fixed cost of loading the console).
 *
 * Run: npx tsc -p bench && node bench/dist/dashboard.js (chromium at /usr/bin/chromium or CHROMIUM_PATH).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { serve } from "@hono/node-server";
import { errorCategories, recordRef, systemClock, type ErrorCategory, type Finding } from "@ledgerlink/core";
import { ConnectionService, createApp, loadConfig } from "@ledgerlink/server";
import { openStore } from "@ledgerlink/store";
import { chromium, type Browser } from "playwright-core";
import { writeResult } from "./write-result.js";

const PROBLEMS = 10_000;
const LOADS = 5;
const COMPANY = "bench";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dashboardDir = join(root, "packages", "dashboard");
const vite = join(root, "node_modules", "vite", "bin", "vite.js");

function viteBuild(cwd: string, args: string[] = []): void {
  execFileSync(process.execPath, [vite, "build", "--logLevel", "error", ...args], { cwd, stdio: "inherit" });
}

/** kB (1000 bytes) of the scripts a built index.html loads up front, gzipped as the server sends them. */
function initialScriptKb(dist: string): number {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const srcs = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => m[1]!);
  let bytes = 0;
  for (const src of new Set(srcs)) bytes += gzipSync(readFileSync(join(dist, src)), { level: 9 }).length;
  return Number((bytes / 1000).toFixed(1));
}

/** React + ReactDOM drawing one element, built by the same Vite: the floor any React console starts from. */
function reactFloorKb(): number {
  const dir = join(dashboardDir, "node_modules", ".bench-react-floor");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(
    join(dir, "index.html"),
    '<!doctype html><div id="root"></div><script type="module" src="/src/main.js"></script>',
  );
  writeFileSync(
    join(dir, "src", "main.js"),
    'import { createElement } from "react";\nimport { createRoot } from "react-dom/client";\n' +
      'createRoot(document.getElementById("root")).render(createElement("p", null, "hello"));\n',
  );
  viteBuild(dir, ["--outDir", "dist", "--emptyOutDir"]);
  const kb = initialScriptKb(join(dir, "dist"));
  rmSync(dir, { recursive: true, force: true });
  return kb;
}

async function startServer(problems: number) {
  const dir = mkdtempSync(join(tmpdir(), "ll-bench-dashboard-"));
  const store = await openStore({ url: `sqlite:${join(dir, "bench.db")}` });
  await store.ensureCompany(COMPANY, "Bench Plumbing");
  const company = store.company(COMPANY);
  const at = new Date().toISOString();
  const findings: Finding[] = Array.from({ length: problems }, (_, i) => {
    const category = errorCategories[i % 5] as ErrorCategory;
    return {
      ref: i % 3 === 0 ? recordRef("invoice", String(i)) : recordRef("customer", String(10_000 + i)),
      category,
      severity: "blocks",
      message: `Problem ${i} of category ${category}: the value QuickBooks refuses is named here`,
      rule: { id: `bench.${category}`, text: "A rule QBO enforces.", source: "bench" },
      field: "displayName",
      fixes: [
        {
          action: "edit-field",
          label: "Correct it in the app",
          params: { field: "displayName" },
          safe: false,
        },
      ],
    };
  });
  if (findings.length > 0) await company.sync.replaceFindings("bench-run", findings, at);
  const config = loadConfig({
    LEDGERLINK_COMPANY: COMPANY,
    QBO_BASE_URL: "http://127.0.0.1:9",
    LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 3).toString("base64"),
  });
  const connections = new ConnectionService({ store, config, clock: systemClock });
  const app = createApp({ config, store, connections, clock: systemClock });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The console opens on its sign-in form without a session: each load comes signed in.
  const signedInAt = new Date().toISOString();
  const user = await store.auth.createUser({
    email: "bench@example.com",
    name: "Bench",
    passwordHash: "not-used",
    role: "read-only",
    companyId: null,
    at: signedInAt,
  });
  const { token: session } = await store.auth.createSession(user.id, signedInAt, 3_600_000);
  return {
    url,
    session,
    async close() {
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Milliseconds from navigation start until the Errors page shows its list (first row and the "All (n)"
 * count) or, over an empty store, its "No errors" notice: median of fresh loads in new browser contexts.
 */
async function errorsPageMs(
  browser: Browser,
  { url, session }: { url: string; session: string },
  expectRows: boolean,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < LOADS + 1; i++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.addCookies([{ name: "ll_session", value: session, url }]);
    const page = await context.newPage();
    await page.goto(`${url}/errors`, { waitUntil: "commit" });
    const handle = await page.waitForFunction(
      (rows: boolean) => {
        // Runs in the page (bench/ is typed for Node, so the DOM is described here).
        type El = { textContent: string | null };
        const doc = (globalThis as unknown as { document: { querySelector(s: string): El | null } }).document;
        const ready = rows
          ? doc.querySelector('[role="row"][data-index="0"]') !== null &&
            /All \(\d/.test(doc.querySelector('[role="tab"]')?.textContent ?? "")
          : doc.querySelector('[data-testid="no-errors"]') !== null;
        return ready ? performance.now() : false;
      },
      expectRows,
      { polling: "raf", timeout: 30_000 },
    );
    const ms = (await handle.jsonValue()) as number;
    if (i > 0) times.push(ms); // the first load warms the server's caches and the store
    await context.close();
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]!);
}

async function main(): Promise<void> {
  viteBuild(dashboardDir);
  const initialKb = initialScriptKb(join(dashboardDir, "dist"));
  const floorKb = reactFloorKb();

  const browser = await chromium.launch({
    executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu"],
  });
  const full = await startServer(PROBLEMS);
  const loadedMs = await errorsPageMs(browser, full, true);
  await full.close();
  const empty = await startServer(0);
  const emptyMs = await errorsPageMs(browser, empty, false);
  await empty.close();
  await browser.close();

  writeResult("dashboard", [
    {
      name: "initial JavaScript, gzipped",
      value: initialKb,
      unit: "kB",
      target: 300,
      better: "lower",
      baseline: floorKb,
    },
    {
      name: `errors page ready with ${PROBLEMS.toLocaleString("en")} open problems (median of ${LOADS})`,
      value: loadedMs,
      unit: "ms",
      target: 1000,
      better: "lower",
      baseline: emptyMs,
    },
  ]);
}

await main();
