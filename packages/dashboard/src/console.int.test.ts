import { testDatabases } from "@ledgerlink/store";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildDashboard,
  launchChromium,
  openPage,
  screenshot,
  startConsole,
  type RunningConsole,
} from "../test/console-harness.js";

/** The QuickBooks company as the office typed it in by hand before any sync. */
const qboSeed = {
  realms: [
    {
      realmId: "9341450000000001",
      companyName: "Acme Plumbing",
      entities: {
        // A supplier holds the name the app's customer C:3001 uses (names are unique across kinds).
        Vendor: [{ DisplayName: "Rivera Landscaping" }],
        Customer: [
          {
            DisplayName: "Harbour Dental Group",
            BillAddr: { Line1: "9 Pine St", PostalCode: "92501" },
          },
        ],
      },
    },
  ],
};

/** The app's customers: the collision, the likely match, an in-app duplicate pair, and ordinary ones. */
const appCustomers = [
  {
    id: "3001",
    displayName: "Rivera Landscaping",
    billingAddress: { line1: "8 Birch Rd", city: "Springfield" },
  },
  // Like QuickBooks' "Harbour Dental Group" in the same postcode, on another street: for a person to decide.
  {
    id: "4001",
    displayName: "Harbor Dental Group",
    billingAddress: { line1: "5 Elm St", postalCode: "92501" },
  },
  { id: "5001", displayName: "Acme Rentals", email: "office@acmerentals.example" },
  { id: "5002", displayName: "Acme Rentals LLC", email: "office@acmerentals.example" },
  ...Array.from({ length: 200 }, (_, i) => ({
    id: String(6000 + i),
    displayName: `Customer ${6000 + i}`,
    email: `c${6000 + i}@example.com`,
  })),
];

/**
 * A bookkeeper's walk through the console in Debian's chromium: the built dashboard served by the
 * real server, a fresh store, and the QBO emulator over HTTP. Steps share one browser page, in order.
 */
describe.each(testDatabases())("the console in a browser ($dialect)", (database) => {
  let app: RunningConsole;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    buildDashboard();
    app = await startConsole({
      database: database.fresh(),
      // A little latency per QuickBooks call, so the progress bar has time to be seen moving.
      emulator: { seed: qboSeed, latencyMs: { min: 250, max: 350 } },
    });
    browser = await launchChromium();
    ({ page, problems } = await openPage(browser));
    page.setDefaultTimeout(15_000);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const shot = (name: string) => screenshot(page, `${database.dialect}-${name}`);
  /** Opens a screen from the sidebar, as a person would. */
  const goTo = async (screen: string) => {
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: screen }).click();
    await page.getByRole("heading", { level: 1, name: screen }).waitFor();
  };

  it("connects to QuickBooks (the emulator) through the real OAuth round trip", async () => {
    await page.goto(app.url + "/");
    await app.signIn(page);
    await expect.poll(() => page.getByTestId("next-step").textContent()).toContain("connect to QuickBooks");
    await page.getByRole("link", { name: "Connect to QuickBooks" }).click();
    await page.getByRole("heading", { name: "Connection settings" }).waitFor();
    expect(await page.getByTestId("connection-state").textContent()).toBe("Not connected");
    await shot("01-connection-before");

    await page.getByRole("button", { name: "Connect to QuickBooks" }).click();
    // Intuit's (the emulator's) consent page sends the browser back to the console's callback, then /:
    // three navigations across two servers, so more time than one screen's; if it ends elsewhere, say where.
    await page.waitForURL(`${app.url}/`, { timeout: 30_000 }).catch(async (err: unknown) => {
      const text = await page
        .locator("body")
        .innerText()
        .catch(() => "(no page)");
      throw new Error(`the OAuth round trip ended at ${page.url()}: ${text.slice(0, 500)}`, { cause: err });
    });
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await expect
      .poll(() => page.getByTestId("toast").first().textContent())
      .toContain("Connected to QuickBooks");
    expect((await app.store.connections.get(app.company))?.realmId).toBe(app.emu.defaultRealmId);
    await goTo("Connection settings");
    await expect.poll(() => page.getByTestId("connection-state").textContent()).toBe("Connected");
    await shot("02-connection-connected");
  });

  it("saves settings on Submit and names a bad email address instead of saving it", async () => {
    await page.getByLabel("Email the sync report to").fill("office@acme.example, not-an-address");
    await page.getByRole("button", { name: "Save settings" }).click();
    expect(await page.getByTestId("settings-problem").textContent()).toContain(
      "“not-an-address” is not an email",
    );
    await page.getByLabel("Email the sync report to").fill("office@acme.example");
    await page.getByLabel("Schedule").selectOption("manual");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.getByTestId("toast").last().textContent()).toContain("Settings saved");
    const saved = await app.store.connections.get(app.company);
    expect(saved?.settings).toMatchObject({ schedule: { mode: "manual" } });
    const res = await fetch(`${app.url}/api/v1/companies/${app.company}/reports/recipients`, {
      headers: app.apiHeaders,
    });
    expect(await res.json()).toMatchObject({ recipients: ["office@acme.example"], source: "company" });
  });

  const api = async <T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> => {
    const res = await fetch(`${app.url}/api/v1/companies/${app.company}${path}`, {
      method: init?.method ?? "GET",
      headers: { "content-type": "application/json", ...app.apiHeaders },
      ...(init?.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    expect(res.status, `${init?.method ?? "GET"} ${path}`).toBeLessThan(300);
    return (await res.json()) as T;
  };

  it(
    "runs a sync from the Overview and shows its progress bar moving, then the result",
    { timeout: 120_000 },
    async () => {
      await api("/customers", { method: "POST", body: appCustomers });
      await goTo("Overview");
      await page.getByRole("button", { name: "Sync now" }).click();
      const bar = page.getByRole("progressbar", { name: "Sync progress" });
      await bar.waitFor();
      // Checked in the page on every frame: the bar must move (records done > 0) before it goes away.
      await page.waitForFunction(
        () => Number(document.querySelector('[role="progressbar"]')?.getAttribute("aria-valuenow")) > 0,
        undefined,
        { timeout: 60_000, polling: "raf" },
      );
      await shot("03-overview-progress");
      await bar.waitFor({ state: "detached", timeout: 60_000 });
      await expect.poll(() => page.getByTestId("toast").last().textContent()).toMatch(/^Sync /);
      await expect.poll(() => page.getByTestId("last-run").textContent()).toMatch(/created/);
      // The open-problem count arrives with the status refresh after the run; wait for it.
      await expect.poll(() => page.getByTestId("sync-health").getAttribute("data-health")).toBe("errors");
      await shot("04-overview-after-sync");
    },
  );

  it("fixes the duplicate-name error by choosing one of the proposed renames", async () => {
    await goTo("Errors");
    await page.getByRole("tab", { name: /^Duplicates/ }).click();
    const row = page.getByRole("row").filter({ hasText: "C:3001" });
    await row.getByRole("button", { name: /^Fix C:3001/ }).click();
    const detail = page.getByTestId("error-detail");
    await detail.getByText("already used in QuickBooks").waitFor();
    await shot("05-errors-duplicate");
    const rename = detail.getByTestId("fix-rename").first();
    const proposal = (await rename.locator("legend").textContent())!.match(/Rename it "(.+)"/)![1]!;
    await rename.getByRole("button", { name: "Preview" }).click();
    await expect.poll(() => rename.getByTestId("fix-preview").textContent()).toContain(proposal);
    await rename.getByRole("button", { name: "Apply this fix" }).click();
    await expect.poll(() => page.getByTestId("toast").last().textContent()).toContain("renamed");
    const record = await api<{ name: string | null }>("/records/C%3A3001");
    expect(record.name).toBe(proposal);
    await expect.poll(() => page.getByRole("row").filter({ hasText: "C:3001" }).count()).toBe(0);
  });

  it("accepts a suggested match in the side-by-side review with the keyboard", async () => {
    await goTo("Match review");
    const pair = page.getByTestId("review-pair");
    await pair.waitFor();
    expect(await pair.textContent()).toContain("Harbor Dental Group");
    expect(await pair.textContent()).toContain("Harbour Dental Group");
    await shot("06-review");
    await page.keyboard.press("a");
    await expect.poll(() => page.getByTestId("toast").last().textContent()).toContain("C:4001 linked");
    const open = await api<{ items: { status: string; ref: string }[] }>("/review");
    expect(open.items.filter((i) => i.ref === "C:4001" && i.status === "open")).toEqual([]);
  });

  it("merges two customers after a preview, then undoes the merge", async () => {
    await goTo("Customers");
    await page.getByLabel("Search").fill("Acme Rentals");
    // The app's record and its QBO twin both lead to the customer's page.
    await page.getByTestId("search-results").getByRole("link", { name: "C:5001" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Acme Rentals" }).waitFor();
    await page.getByRole("button", { name: /Merge a duplicate/ }).click();
    const panel = page.getByTestId("merge-panel");
    await panel.getByLabel(/Find the duplicate/).fill("Acme Rentals LLC");
    await panel
      .getByRole("listitem")
      .filter({ hasText: "C:5002" })
      .getByRole("button", { name: "Choose" })
      .click();
    await expect.poll(() => panel.getByTestId("merge-preview").textContent()).toContain("C:5002");
    await shot("07-customer-merge-preview");
    await panel.getByRole("button", { name: "Merge them" }).click();
    await expect
      .poll(() => page.getByTestId("toast").last().textContent())
      .toContain("Merged C:5002 into C:5001");
    const merges = await api<{ items: { mergeId: string; undoneAt: string | null }[] }>("/merges");
    expect(merges.items).toHaveLength(1);
    expect(merges.items[0]!.undoneAt).toBeNull();
    await page.getByTestId("merges").getByRole("button", { name: "Undo merge" }).click();
    await expect.poll(() => page.getByTestId("toast").last().textContent()).toContain("Merge undone");
    const after = await api<{ items: { undoneAt: string | null }[] }>("/merges");
    expect(after.items[0]!.undoneAt).not.toBeNull();
    expect((await api<{ deletedAt: string | null }>("/records/C%3A5002")).deletedAt).toBeNull();
    await shot("08-customer-after-undo");
  });

  it("downloads the sync report", async () => {
    await goTo("Reports");
    await shot("09-reports");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("run-reports").getByRole("link", { name: "Download CSV" }).first().click(),
    ]);
    const path = await download.path();
    const csv = (await import("node:fs")).readFileSync(path, "utf8");
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(csv).toContain("C:");
  });

  it("shows the activity log of what changed", async () => {
    await goTo("Activity");
    await expect.poll(() => page.getByRole("grid", { name: "Audit log" }).textContent()).toContain("C:3001");
    await shot("10-activity");
  });

  it("opens the Ready-to-sync queue and the Mappings, each saying what it is for", async () => {
    await goTo("Ready to sync");
    // The rename queued C:3001 again for the next sync.
    await expect
      .poll(() => page.getByRole("grid", { name: "Records waiting to sync" }).textContent())
      .toContain("C:3001");
    await shot("11-queue");
    await goTo("Mappings");
    await page.getByRole("heading", { name: "Items" }).waitFor();
    await shot("12-mappings");
  });

  it(
    "says QuickBooks could not be reached on the Overview and the Errors view, and Sync again clears it",
    { timeout: 60_000 },
    async () => {
      const realm = app.emu.realm(app.emu.defaultRealmId);
      await api("/customers", { method: "POST", body: [{ id: "7001", displayName: "Northwind Bakery" }] });
      // QuickBooks answers 503 to every write (it still answers the pull).
      for (const pathIncludes of ["/batch", "/customer"])
        realm.injectFault({ kind: "503", probability: 1, pathIncludes });
      try {
        await goTo("Overview");
        await page.getByRole("button", { name: "Sync now" }).click();
        const notice = page.getByTestId("qbo-unreachable");
        await notice.waitFor({ timeout: 30_000 });
        expect(await notice.textContent()).toMatch(
          /QuickBooks could not be reached.*it answered 503 Service Unavailable, after 2 tries\. The \d+ records? waiting will be sent again on the next sync, with nothing duplicated/,
        );
        await expect.poll(() => page.getByTestId("last-run").textContent()).toMatch(/failed/);
        await shot("13-overview-qbo-unreachable");
        await goTo("Errors");
        await expect
          .poll(() => page.getByTestId("qbo-unreachable").textContent())
          .toContain("QuickBooks could not be reached");
        await shot("14-errors-qbo-unreachable");
      } finally {
        realm.clearFaults();
      }
      // QuickBooks is back: Sync again (from the Errors view) sends it, once, and the notice goes.
      await page.getByTestId("qbo-unreachable").getByRole("button", { name: "Sync again" }).click();
      await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
      await expect
        .poll(() => page.getByTestId("last-run").textContent(), { timeout: 30_000 })
        .not.toMatch(/failed/);
      await page.getByTestId("qbo-unreachable").waitFor({ state: "detached", timeout: 30_000 });
      expect(realm.list("Customer").filter((c) => c["DisplayName"] === "Northwind Bakery")).toHaveLength(1);
      // The next step signs in again and expects to come back to the Mappings screen.
      await goTo("Mappings");
    },
  );

  it("signs out, refuses a wrong password by saying so, and signs in again", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Ledgerlink" }).waitFor();
    // The session is gone on the server too: the API refuses the old cookie.
    expect((await page.request.get(`${app.url}/api/v1/auth/me`)).status()).toBe(401);
    await page.getByLabel("Email").fill(app.credentials.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.getByTestId("login-problem").textContent())
      .toContain("Wrong email or password");
    await shot("15-sign-in");
    await app.signIn(page);
    await page.getByRole("heading", { level: 1, name: "Mappings" }).waitFor();
  });

  it("ran every screen without a script error or a Content-Security-Policy violation", () => {
    expect(problems.filter((p) => /page error|Content Security Policy|Refused to/i.test(p))).toEqual([]);
  });
});
