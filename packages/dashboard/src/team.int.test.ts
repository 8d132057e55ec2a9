import { hashPassword } from "@ledgerlink/server";
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
 * The Team & access screen and My account in Debian's chromium against the real server: an admin adds
 * a person (each refusal shown under its field), changes their role, disables and enables them, resets
 * their password, creates an API key that is shown once and copied, and revokes it; a person the admin
 * adds sees only "choose your own password" until they have; a bookkeeper has no Team & access entry,
 * is told so on the screen's address, and changes their own password.
 */
describe.each(testDatabases())("the Team & access screen in a browser ($dialect)", (database) => {
  let app: RunningConsole;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  /** Made on the database directly with a password she chose: not asked to choose another. */
  const bookkeeper = { email: "bea@acme.example", password: "bea-first-password" };

  beforeAll(async () => {
    buildDashboard();
    app = await startConsole({ database: database.fresh() });
    await app.store.auth.createUser({
      email: bookkeeper.email,
      name: "Bea Bookkeeper",
      passwordHash: await hashPassword(bookkeeper.password),
      role: "bookkeeper",
      companyId: "acme",
      at: new Date().toISOString(),
    });
    browser = await launchChromium();
    ({ page, problems } = await openPage(browser));
    page.setDefaultTimeout(15_000);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.url });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const shot = (p: Page, name: string) => screenshot(p, `${database.dialect}-team-${name}`);
  const login = (email: string, password: string) =>
    fetch(`${app.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url },
      body: JSON.stringify({ email, password }),
    }).then((r) => r.status);
  const userRow = (email: string) => page.getByTestId("team-users").getByRole("row", { name: email });
  const stored = async (email: string) => (await app.store.auth.findUser(email))!;

  it("an admin adds a person, each refusal shown under the field it names, then changes, disables, enables and resets them", async () => {
    await page.goto(app.url + "/");
    await app.signIn(page);
    await page
      .getByRole("navigation", { name: "Console" })
      .getByRole("link", { name: "Team & access" })
      .click();
    await page.getByRole("heading", { level: 1, name: "Team & access" }).waitFor();
    // Their own row: role and disabling are out of reach (the server refuses it too).
    const own = userRow(app.credentials.email);
    await expect.poll(() => own.textContent()).toContain("(you)");
    expect(await own.getByRole("combobox", { name: `Role of ${app.credentials.email}` }).isDisabled()).toBe(
      true,
    );
    expect(await own.getByRole("combobox", { name: `What ${app.credentials.email} sees` }).isDisabled()).toBe(
      true,
    );
    expect(await own.getByRole("button", { name: "Disable" }).isDisabled()).toBe(true);

    const add = page.getByRole("form", { name: "Add a person" });
    await add.getByLabel("Email").fill("not an email");
    await add.getByLabel("Name").fill("Carl Clerk");
    await add.getByRole("button", { name: "Add person" }).click();
    await expect.poll(() => page.getByTestId("new-user-email-problem").textContent()).toMatch(/email/i);
    expect(await add.getByLabel("Email").getAttribute("aria-invalid")).toBe("true");
    await add.getByLabel("Email").fill("carl@acme.example");
    await add.getByLabel("Temporary password").fill("short");
    await add.getByRole("button", { name: "Add person" }).click();
    await expect
      .poll(() => page.getByTestId("new-user-password-problem").textContent())
      .toBe("at least 12 characters");
    expect(await page.getByTestId("new-user-email-problem").count()).toBe(0);
    await add.getByRole("button", { name: "Suggest a password" }).click();
    const temporary = await add.getByLabel("Temporary password").inputValue();
    expect(temporary).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    await add.getByLabel("Role").selectOption("bookkeeper");
    await add.getByLabel("Sees").selectOption("acme");
    await shot(page, "01-add-person");
    await add.getByRole("button", { name: "Add person" }).click();
    await expect.poll(() => userRow("carl@acme.example").textContent()).toContain("Carl Clerk");
    expect(await add.getByLabel("Email").inputValue()).toBe("");
    expect(await stored("carl@acme.example")).toMatchObject({
      role: "bookkeeper",
      companyId: "acme",
      mustChangePassword: true,
    });
    // The admin chose it: pending until Carl chooses his own (the admin's own row and Bea's are not).
    expect(await userRow("carl@acme.example").getByTestId("must-change-password").textContent()).toBe(
      "must change password",
    );
    expect(await userRow(app.credentials.email).getByTestId("must-change-password").count()).toBe(0);
    expect(await userRow(bookkeeper.email).getByTestId("must-change-password").count()).toBe(0);
    expect(await login("carl@acme.example", temporary)).toBe(200);

    // Adding the same email again is refused beside the Email field.
    await add.getByLabel("Email").fill("Carl@acme.example");
    await add.getByLabel("Name").fill("Carl Again");
    await add.getByLabel("Temporary password").fill("another-password-1");
    await add.getByRole("button", { name: "Add person" }).click();
    await expect
      .poll(() => page.getByTestId("new-user-email-problem").textContent())
      .toContain("already exists");

    const carl = userRow("carl@acme.example");
    await carl.getByRole("combobox", { name: "Role of carl@acme.example" }).selectOption("read-only");
    await expect.poll(async () => (await stored("carl@acme.example")).role).toBe("read-only");
    // What Carl sees: every company, then Acme's only again.
    const sees = carl.getByRole("combobox", { name: "What carl@acme.example sees" });
    await sees.selectOption({ label: "Every company" });
    await expect.poll(async () => (await stored("carl@acme.example")).companyId).toBe(null);
    await expect
      .poll(() => page.getByTestId("account-log").textContent())
      .toContain("changed what this person sees: carl@acme.example (Acme Plumbing → Every company)");
    await sees.selectOption("acme");
    await expect.poll(async () => (await stored("carl@acme.example")).companyId).toBe("acme");
    await carl.getByRole("button", { name: "Disable" }).click();
    await expect.poll(() => carl.textContent()).toContain("Disabled");
    expect(await login("carl@acme.example", temporary)).toBe(401);
    await carl.getByRole("button", { name: "Enable" }).click();
    await expect.poll(() => carl.textContent()).toContain("Active");
    expect(await login("carl@acme.example", temporary)).toBe(200);

    await carl.getByRole("button", { name: "Reset password" }).click();
    await carl.getByLabel("New password for carl@acme.example").fill("tiny");
    await carl.getByRole("button", { name: "Set password" }).click();
    await expect.poll(() => carl.getByRole("alert").first().textContent()).toBe("at least 12 characters");
    await carl.getByLabel("New password for carl@acme.example").fill("carl-reset-password");
    await carl.getByRole("button", { name: "Set password" }).click();
    await expect.poll(() => carl.getByLabel("New password for carl@acme.example").count()).toBe(0);
    expect(await login("carl@acme.example", temporary)).toBe(401);
    expect(await login("carl@acme.example", "carl-reset-password")).toBe(200);

    const log = page.getByTestId("account-log");
    await expect
      .poll(() => log.textContent())
      .toContain(`${app.credentials.email} reset the password of carl@acme.example`);
    expect(await log.textContent()).toContain(
      "changed the role of carl@acme.example (bookkeeper → read-only)",
    );
    expect(await page.content()).not.toContain("carl-reset-password");
    await shot(page, "02-people");
  });

  it("creates an API key shown once with a copy button, and revokes it after a confirmation", async () => {
    const form = page.getByRole("form", { name: "Create a key" });
    await form.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => page.getByTestId("new-key-name-problem").textContent()).toMatch(/\S/);
    await form.getByLabel("What it is for").fill("billing app");
    await form.getByLabel("Role").selectOption("bookkeeper");
    await form.getByLabel("Sees").selectOption("acme");
    await form.getByRole("button", { name: "Create key" }).click();
    const notice = page.getByTestId("new-api-key-notice");
    await expect.poll(() => notice.textContent()).toContain("you will not see it again");
    const key = (await page.getByTestId("new-api-key").textContent())!.trim();
    expect(key).toMatch(/^llk_[A-Za-z0-9_-]{43}$/);
    await notice.getByRole("button", { name: "Copy key" }).click();
    await expect.poll(() => notice.getByRole("status").textContent()).toBe("Copied.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await shot(page, "03-new-key");

    const runs = () =>
      fetch(`${app.url}/api/v1/companies/acme/runs`, { headers: { authorization: `Bearer ${key}` } }).then(
        (r) => r.status,
      );
    expect(await runs()).toBe(200);
    const row = page.getByTestId("team-keys").getByRole("row", { name: "billing app" });
    await expect.poll(() => row.textContent()).toContain(`${key.slice(0, 10)}…`);

    // Hidden once stored, and never shown again: not after hiding, not after a reload.
    await notice.getByRole("button", { name: "I have stored it — hide it" }).click();
    await expect.poll(() => page.getByTestId("new-api-key").count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Team & access" }).waitFor();
    await expect.poll(() => row.textContent()).toContain("Active");
    expect(await page.content()).not.toContain(key);

    await row.getByRole("button", { name: "Revoke" }).click();
    const confirm = row.getByRole("group", { name: "Revoke billing app?" });
    await confirm.getByRole("button", { name: "Keep it" }).click();
    expect(await runs()).toBe(200);
    await row.getByRole("button", { name: "Revoke" }).click();
    await shot(page, "04-revoke-confirm");
    await confirm.getByRole("button", { name: "Yes, revoke it" }).click();
    await expect.poll(() => row.textContent()).toContain("Revoked");
    expect(await runs()).toBe(401);
    await expect
      .poll(() => page.getByTestId("account-log").textContent())
      .toContain("revoked the API key billing app");
  });

  it("a person the admin adds signs in with the temporary password and must choose their own before anything else", async () => {
    await page.goto(app.url + "/team");
    await page.getByRole("heading", { level: 1, name: "Team & access" }).waitFor();
    const add = page.getByRole("form", { name: "Add a person" });
    await add.getByLabel("Email").fill("dora@acme.example");
    await add.getByLabel("Name").fill("Dora Dispatcher");
    await add.getByRole("button", { name: "Suggest a password" }).click();
    const temporary = await add.getByLabel("Temporary password").inputValue();
    await add.getByLabel("Role").selectOption("bookkeeper");
    await add.getByLabel("Sees").selectOption("acme");
    await add.getByRole("button", { name: "Add person" }).click();
    const dora = userRow("dora@acme.example");
    await expect.poll(() => dora.getByTestId("must-change-password").count()).toBe(1);
    await expect
      .poll(() =>
        page
          .getByTestId("toast")
          .filter({ hasText: "they will choose their own when they first sign in" })
          .count(),
      )
      .toBe(1);

    const d = await openPage(browser);
    try {
      const p = d.page;
      p.setDefaultTimeout(15_000);
      // Following a link someone sent her, to the Errors view.
      await p.goto(app.url + "/errors");
      await p.getByLabel("Email").fill("dora@acme.example");
      await p.getByLabel("Password").fill(temporary);
      await p.getByRole("button", { name: "Sign in" }).click();
      const choose = p.getByRole("heading", { level: 1, name: "Choose your own password" });
      await choose.waitFor();
      expect(await p.getByTestId("choose-password-why").textContent()).toContain(
        "An administrator set this password; choose one only you know.",
      );
      expect(await p.title()).toBe("Choose your own password · Ledgerlink");
      expect(await p.getByRole("navigation", { name: "Console" }).count()).toBe(0);
      await shot(p, "07-choose-own-password");

      // No other screen, at any address, and not through the API either.
      for (const path of ["/team", "/", "/customers", "/errors"]) {
        await p.goto(app.url + path);
        await choose.waitFor();
        expect(await p.getByRole("navigation", { name: "Console" }).count(), path).toBe(0);
      }
      const runs = await p.request.get(`${app.url}/api/v1/companies/acme/runs`);
      expect(runs.status()).toBe(403);
      expect(((await runs.json()) as { error: { code: string } }).error.code).toBe(
        "password_change_required",
      );

      await p.getByLabel("Current (temporary) password").fill("not-the-temporary-one");
      await p.getByLabel("New password", { exact: true }).fill("dora-own-password");
      await p.getByLabel("New password again").fill("dora-own-password");
      await p.getByRole("button", { name: "Choose this password" }).click();
      await expect
        .poll(() => p.getByTestId("current-password-problem").textContent())
        .toBe("this is not your current password");
      await p.getByLabel("Current (temporary) password").fill(temporary);
      await p.getByRole("button", { name: "Choose this password" }).click();

      // The console opens where she was going.
      await p.getByRole("heading", { level: 1, name: "Errors" }).waitFor();
      const nav = p.getByRole("navigation", { name: "Console" });
      expect(await nav.getByRole("link", { name: "Customers" }).count()).toBe(1);
      expect((await p.request.get(`${app.url}/api/v1/companies/acme/runs`)).status()).toBe(200);
      await p.reload();
      await p.getByRole("heading", { level: 1, name: "Errors" }).waitFor();
      expect(await choose.count()).toBe(0);
      expect(await login("dora@acme.example", temporary)).toBe(401);
      expect(await login("dora@acme.example", "dora-own-password")).toBe(200);
      expect(d.problems.filter((x) => /page error|Content Security Policy|Refused to/i.test(x))).toEqual([]);
    } finally {
      await d.page.context().close();
    }

    // The admin sees it done, and when.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Team & access" }).waitFor();
    await expect.poll(() => dora.textContent()).toContain("Dora Dispatcher");
    expect(await dora.getByTestId("must-change-password").count()).toBe(0);
    expect(await page.getByTestId("account-log").textContent()).toContain(
      "dora@acme.example replaced the temporary password with their own: dora@acme.example",
    );
    expect(await stored("dora@acme.example")).toMatchObject({ mustChangePassword: false });
  });

  it("a bookkeeper has no Team & access entry, is told so at its address, and changes their own password", async () => {
    const bk = await openPage(browser);
    try {
      const p = bk.page;
      p.setDefaultTimeout(15_000);
      await p.goto(app.url + "/");
      await p.getByLabel("Email").fill(bookkeeper.email);
      await p.getByLabel("Password").fill(bookkeeper.password);
      await p.getByRole("button", { name: "Sign in" }).click();
      const nav = p.getByRole("navigation", { name: "Console" });
      await nav.getByRole("link", { name: "Errors" }).waitFor();
      expect(await nav.getByRole("link", { name: "Team & access" }).count()).toBe(0);
      expect(
        await page
          .getByRole("navigation", { name: "Console" })
          .getByRole("link", { name: "Team & access" })
          .count(),
      ).toBe(1);

      await p.goto(app.url + "/team");
      await p.getByRole("heading", { level: 1, name: "Team & access" }).waitFor();
      await expect
        .poll(() => p.getByTestId("team-forbidden").textContent())
        .toContain("Only an administrator");
      expect(await p.getByTestId("team-users").count()).toBe(0);
      await shot(p, "05-bookkeeper");

      // A second session of Bea's elsewhere: changing the password ends it, not this one.
      const elsewhere = await fetch(`${app.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: app.url },
        body: JSON.stringify(bookkeeper),
      });
      const otherCookie = elsewhere.headers
        .getSetCookie()
        .map((l) => l.split(";")[0]!)
        .find((c) => c.startsWith("ll_session="))!;
      const otherMe = () =>
        fetch(`${app.url}/api/v1/auth/me`, { headers: { cookie: otherCookie } }).then((r) => r.status);
      expect(await otherMe()).toBe(200);

      await p.getByRole("link", { name: "My account & password" }).click();
      await p.getByRole("heading", { level: 1, name: "My account" }).waitFor();
      await p.getByLabel("Current password").fill("not-my-password");
      await p.getByLabel("New password", { exact: true }).fill("bea-second-password");
      await p.getByLabel("New password again").fill("bea-second-password");
      await p.getByRole("button", { name: "Change password" }).click();
      await expect
        .poll(() => p.getByTestId("current-password-problem").textContent())
        .toBe("this is not your current password");
      await p.getByLabel("Current password").fill(bookkeeper.password);
      await p.getByLabel("New password again").fill("bea-second-passwor");
      await p.getByRole("button", { name: "Change password" }).click();
      await expect.poll(() => p.getByTestId("new-password-again-problem").count()).toBe(1);
      expect(await p.getByTestId("current-password-problem").count()).toBe(0);
      await p.getByLabel("New password again").fill("bea-second-password");
      await p.getByRole("button", { name: "Change password" }).click();
      await expect
        .poll(() => p.getByTestId("toast").first().textContent())
        .toContain("Your password is changed");
      await shot(p, "06-my-account");
      expect(await otherMe()).toBe(401);
      // This browser stays signed in, on its renewed session, and can still act.
      await p.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Errors" }).click();
      await p.getByRole("heading", { level: 1, name: "Errors" }).waitFor();
      expect((await p.request.get(`${app.url}/api/v1/auth/me`)).status()).toBe(200);
      expect(await login(bookkeeper.email, bookkeeper.password)).toBe(401);
      expect(await login(bookkeeper.email, "bea-second-password")).toBe(200);
      expect(bk.problems.filter((x) => /page error|Content Security Policy|Refused to/i.test(x))).toEqual([]);
    } finally {
      await bk.page.context().close();
    }
  });

  it("ran without a script error or a Content-Security-Policy violation", () => {
    expect(problems.filter((p) => /page error|Content Security Policy|Refused to/i.test(p))).toEqual([]);
  });
});
