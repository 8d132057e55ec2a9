import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { systemClock } from "@ledgerlink/core";
import {
  ConnectionService,
  deliverDueEvents,
  eventIdHeader,
  loadConfig,
  signatureHeader,
  timestampHeader,
  verifyWebhook,
  webhookSecretSealer,
} from "@ledgerlink/server";
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

/** QuickBooks (the default realm, the one OAuth consents to) has a customer the app does not. */
const qboSeed = {
  realms: [
    {
      companyName: "Acme Plumbing",
      entities: { Customer: [{ DisplayName: "Osprey Sails" }] },
    },
  ],
};

interface Received {
  eventId: string;
  type: string;
  subject: string;
  /** Null when the signature checked out with the secret the console showed; else why not. */
  signatureProblem: string | null;
}

/**
 * The Integrations screen in Debian's chromium against the real server and the emulator: an endpoint
 * added (its secret shown once), a delivery seen and redelivered to a receiver on loopback that checks
 * the signature with that secret; and the QuickBooks badge on a customer a global sync brought in.
 */
describe.each(testDatabases())("the Integrations screen in a browser ($dialect)", (database) => {
  let app: RunningConsole;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let secret = "";
  /** The receiver answers 410 Gone: the business app removed the hook. */
  let gone = false;
  let openSecret: Parameters<typeof deliverDueEvents>[0]["openSecret"];

  beforeAll(async () => {
    buildDashboard();
    receiver = createServer((req, res) => {
      let raw = "";
      req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
      req.on("end", () => {
        let signatureProblem: string | null = null;
        try {
          verifyWebhook({
            secret,
            rawBody: raw,
            signature: req.headers[signatureHeader] as string | undefined,
            timestamp: req.headers[timestampHeader] as string | undefined,
            nowSeconds: Math.floor(Date.now() / 1000),
          });
        } catch (err) {
          signatureProblem = (err as Error).message;
        }
        const body = JSON.parse(raw) as { type: string; subject: string };
        received.push({
          eventId: String(req.headers[eventIdHeader]),
          type: body.type,
          subject: body.subject,
          signatureProblem,
        });
        if (gone) res.writeHead(410, { "content-type": "text/plain" }).end("this hook was removed");
        else res.writeHead(200, { "content-type": "text/plain" }).end("thanks");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    app = await startConsole({ database: database.fresh(), emulator: { seed: qboSeed } });
    // What the server's deliverer opens secrets with: a connection service under the harness's key.
    openSecret = webhookSecretSealer(
      new ConnectionService({
        store: app.store,
        config: loadConfig({
          LEDGERLINK_COMPANY: app.company,
          QBO_BASE_URL: app.emulatorUrl,
          LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 9).toString("base64"),
        }),
        clock: systemClock,
      }),
    ).open;
    browser = await launchChromium();
    ({ page, problems } = await openPage(browser));
    page.setDefaultTimeout(15_000);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  const shot = (name: string) => screenshot(page, `${database.dialect}-integrations-${name}`);
  const goTo = async (screen: string) => {
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: screen }).click();
    await page.getByRole("heading", { level: 1, name: screen }).waitFor();
  };
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${app.url}/api/v1/companies/${app.company}${path}`, {
      headers: app.apiHeaders,
    });
    expect(res.status, `GET ${path}`).toBe(200);
    return (await res.json()) as T;
  };
  /** What the server's deliverer does every second (the harness does not run one): deliver what is due. */
  const deliver = () =>
    deliverDueEvents({ store: app.store, openSecret, now: () => new Date(), companyIds: [app.company] });
  /** The reference the global sync gives QuickBooks' Osprey Sails in the app: C:qbo-<its QBO Id>. */
  const ospreyRef = async () => {
    const realmId = (await app.store.connections.get(app.company))?.realmId ?? "";
    const qbo = app.emu.realm(realmId).list("Customer") as { Id: string; DisplayName: string }[];
    return `C:qbo-${qbo.find((c) => c.DisplayName === "Osprey Sails")!.Id}`;
  };
  const deliveryRow = (ref: string) =>
    page.getByTestId("webhook-deliveries").getByRole("row").filter({ hasText: ref });

  it("adds an endpoint (secret shown once), brings a QBO-only customer in, sees its delivery and redelivers it; a 410 turns it off with the reason shown", async () => {
    await page.goto(app.url + "/");
    await app.signIn(page);
    await goTo("Connection settings");
    await page.getByRole("button", { name: "Connect to QuickBooks" }).click();
    await page.waitForURL(`${app.url}/`);
    await expect.poll(async () => (await app.store.connections.get(app.company))?.realmId).toBeTruthy();
    await app.store
      .company(app.company)
      .upsertRecords(
        "customer",
        [{ id: "k1", displayName: "Kite Works", active: true }],
        new Date().toISOString(),
      );

    await goTo("Integrations");
    await page.getByLabel("Endpoint URL").fill(receiverUrl);
    await page.getByLabel("record.created_from_qbo").check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const shown = page.getByTestId("new-secret");
    await shown.waitFor();
    secret = (await shown.textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    const endpoints = page.getByTestId("webhook-endpoints");
    await expect.poll(() => endpoints.textContent()).toContain(receiverUrl);
    expect(await endpoints.textContent()).toContain(`…${secret.slice(-4)}`);
    // Only that answer held it: the API lists the endpoint without it, and the screen forgets it.
    const listed = await api<{ items: Record<string, unknown>[] }>("/webhook-endpoints");
    expect(listed.items).toHaveLength(1);
    expect(JSON.stringify(listed.items)).not.toContain(secret);
    expect(listed.items[0]).toMatchObject({ url: receiverUrl, eventTypes: ["record.created_from_qbo"] });
    await goTo("Overview");
    await goTo("Integrations");
    await page.getByTestId("webhook-endpoints").waitFor();
    expect(await page.getByTestId("new-secret").count()).toBe(0);

    // The global sync, previewed then run from the same screen (the emulated company's own items come too).
    await page.getByRole("button", { name: "Preview" }).click();
    const counts = page.getByTestId("global-sync-counts");
    await expect.poll(() => counts.textContent()).toMatch(/^\d+ to create/);
    const toCreate = Number((await counts.textContent())!.match(/^(\d+) to create/)![1]);
    expect(toCreate).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole("listitem").filter({ hasText: "Osprey Sails" }).count()).toBe(1);
    await page.getByRole("button", { name: "Bring them in" }).click();
    await expect
      .poll(() => page.getByTestId("toast").last().textContent())
      .toContain(`${toCreate} record(s) brought in from QuickBooks`);
    const ref = await ospreyRef();
    const row = deliveryRow(ref);
    await expect.poll(() => row.textContent()).toContain("record.created_from_qbo");
    expect(await row.textContent()).toContain("pending");
    expect(await page.getByTestId("webhook-deliveries").getByRole("row").count()).toBe(toCreate + 1);
    await shot("01-pending");

    // Delivered to the receiver, each signed with the secret the console showed once.
    expect(await deliver()).toMatchObject({ attempted: toCreate, delivered: toCreate });
    expect(received).toHaveLength(toCreate);
    expect(received.filter((r) => r.signatureProblem !== null)).toEqual([]);
    const first = received.find((r) => r.subject === ref)!;
    expect(first).toEqual({
      eventId: expect.stringMatching(/^evt_/),
      type: "record.created_from_qbo",
      subject: ref,
      signatureProblem: null,
    });
    await goTo("Overview");
    await goTo("Integrations");
    await expect.poll(() => row.textContent()).toContain("delivered");
    expect(await row.textContent()).toContain("200");

    // Redelivered from the console: due again, sent again with the same event id.
    await row.getByRole("button", { name: "Redeliver" }).click();
    await expect
      .poll(() => page.getByTestId("toast").last().textContent())
      .toContain("Sent again with the same event id");
    await expect.poll(() => row.textContent()).toContain("pending");
    expect(await deliver()).toMatchObject({ attempted: 1, delivered: 1 });
    expect(received).toHaveLength(toCreate + 1);
    expect(received[toCreate]).toEqual(first);
    await goTo("Overview");
    await goTo("Integrations");
    await expect.poll(() => row.textContent()).toContain("delivered");
    const log = await api<{ items: { subject: string; attempts: number; state: string }[] }>(
      "/webhook-deliveries",
    );
    expect(log.items.filter((d) => d.subject === ref).map((d) => [d.state, d.attempts])).toEqual([
      ["delivered", 2],
    ]);
    await shot("02-redelivered");

    // The app removed the hook (410 Gone): the endpoint is turned off, and the screen says why.
    gone = true;
    await row.getByRole("button", { name: "Redeliver" }).click();
    await expect.poll(() => row.textContent()).toContain("pending");
    expect(await deliver()).toMatchObject({ attempted: 1, disabled: 1 });
    await goTo("Overview");
    await goTo("Integrations");
    const endpointRow = page
      .getByTestId("webhook-endpoints")
      .getByRole("row")
      .filter({ hasText: receiverUrl });
    await expect.poll(() => endpointRow.textContent()).toContain("disabled");
    expect(await endpointRow.getByTestId("endpoint-disabled-reason").textContent()).toMatch(
      /answered 410 Gone at .*enable the endpoint again/,
    );
    await shot("03-endpoint-gone");
    // Enabled again by a person: the reason goes, the waiting delivery goes out.
    gone = false;
    await endpointRow.getByRole("button", { name: "Enable" }).click();
    await expect.poll(() => endpointRow.textContent()).toContain("enabled");
    expect(await endpointRow.getByTestId("endpoint-disabled-reason").count()).toBe(0);
    expect(await deliver()).toMatchObject({ attempted: 1, delivered: 1 });
  });

  it("shows the QuickBooks badge on the customer brought in, in the list and on its page, and not on the app's", async () => {
    const ref = await ospreyRef();
    expect(await api<{ origin: string | null }>(`/records/${encodeURIComponent(ref)}`)).toMatchObject({
      origin: "qbo",
    });
    expect(await api<{ origin: string | null }>(`/records/C%3Ak1`)).toMatchObject({ origin: null });

    await goTo("Customers");
    const row = (name: string) => page.getByRole("row").filter({ hasText: name });
    await row("Osprey Sails").waitFor();
    await expect.poll(() => row("Osprey Sails").locator(".qbo-badge").textContent()).toBe("QB");
    expect(await row("Kite Works").locator(".qbo-badge").count()).toBe(0);

    await row("Osprey Sails").getByRole("link", { name: ref }).click();
    await page.getByRole("heading", { level: 1, name: "Osprey Sails" }).waitFor();
    const badge = page.locator("main .qbo-badge");
    await expect.poll(() => badge.textContent()).toBe("QB");
    expect(await page.getByText("Brought in from QuickBooks by a global sync").count()).toBe(1);
    // Styled as a badge (styles.css), not bare text.
    expect(await badge.evaluate((el) => getComputedStyle(el).display)).toBe("inline-block");
    await shot("04-customer-badge");

    await page.goto(`${app.url}/customers/${encodeURIComponent("C:k1")}`);
    await page.getByRole("heading", { level: 1, name: "Kite Works" }).waitFor();
    expect(await page.locator("main .qbo-badge").count()).toBe(0);
    // No script error or CSP refusal (the 401s before signing in are the console asking who is there).
    expect(problems.filter((p) => /page error|Content Security Policy|Refused to/i.test(p))).toEqual([]);
  });
});
