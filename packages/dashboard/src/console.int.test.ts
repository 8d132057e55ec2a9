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
    app = await startConsole({ database: database.fresh() });
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
    await expect.poll(() => page.getByTestId("next-step").textContent()).toContain("connect to QuickBooks");
    await page.getByRole("link", { name: "Connect to QuickBooks" }).click();
    await page.getByRole("heading", { name: "Connection settings" }).waitFor();
    expect(await page.getByTestId("connection-state").textContent()).toBe("Not connected");
    await shot("01-connection-before");

    await page.getByRole("button", { name: "Connect to QuickBooks" }).click();
    // Intuit's (the emulator's) consent page sends the browser back to the console's callback, then /.
    await page.waitForURL(`${app.url}/`);
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
    expect(saved?.settings).toMatchObject({
      schedule: { mode: "manual" },
      reportRecipients: ["office@acme.example"],
    });
  });

  it("ran every screen without a script error or a Content-Security-Policy violation", () => {
    expect(problems.filter((p) => /page error|Content Security Policy|Refused to/i.test(p))).toEqual([]);
  });
});
