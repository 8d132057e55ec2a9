import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { systemClock, type RecordRef, type SyncRunSummary } from "@ledgerlink/core";
import { createEmulator } from "@ledgerlink/emulator";
import { createQboClient } from "@ledgerlink/qbo";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { parse } from "csv-parse/sync";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { runCompanySync } from "../company-sync.js";
import { loadConfig } from "../config.js";
import { ConnectionService } from "../connection-service.js";
import { ingestRecords } from "../ingest-records.js";
import { qboCustomerImportColumns } from "./qbo-customer-import.js";
import { ReportEmailError, reportTransport, sendRunReport } from "./report-email.js";
import { reportCsvColumns } from "./report-csv.js";
import { authorized } from "../../test/authorized-app.js";

const company = "acme";
const password = "s3cret-Pa55word-for-smtp";

/** A real SMTP server on loopback that keeps every message it accepts, raw. */
async function startSmtp() {
  const received: { from: string; to: string[]; user: string | undefined; raw: Buffer }[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ["STARTTLS"],
    // Loopback only: the test server has no certificate, so AUTH runs in clear.
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.username === "reports" && auth.password === password) cb(null, { user: auth.username });
      else cb(new Error("Invalid username or password"));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.endsWith("@bounce.example")) cb(new Error("No such mailbox"));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const from = session.envelope.mailFrom;
        received.push({
          from: from === false ? "" : from.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    received,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(testDatabases())("post-sync report by email over real SMTP ($dialect)", (database) => {
  const emu = createEmulator();
  let emulator: Awaited<ReturnType<typeof emu.listen>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let store: Store;
  let run: SyncRunSummary;
  let reportDir: string;

  beforeAll(async () => {
    emulator = await emu.listen({ port: 0, host: "127.0.0.1" });
    smtp = await startSmtp();
    emu.realm(emu.defaultRealmId).reset();
    emu.realm(emu.defaultRealmId).create("Customer", {
      DisplayName: "Smith Plumbing",
      PrimaryEmailAddr: { Address: "office@smith-tx.example" },
    });
    store = await openStore(database.fresh());
    await store.ensureCompany(company, "Acme <Plumbing> & Sons");
    const at = new Date().toISOString();
    await ingestRecords(
      store.company(company),
      "customer",
      [
        { id: "2001", displayName: "Smith Plumbing", email: "hello@smith-or.example", active: true },
        { id: "3001", displayName: "Oak Street Dental", email: "front@oakdental.example", active: true },
        {
          id: "8001",
          displayName: "Lakeside Veterinary",
          email: "desk@lakeside-vet.example",
          phone: "503-555-0142",
          active: true,
        },
      ],
      at,
    );
    await store.company(company).sync.setHold("C:8001" as RecordRef, "held", "ana", undefined, at);
    const client = createQboClient({
      baseUrl: emulator.url,
      realmId: emu.defaultRealmId,
      getAccessToken: () => Promise.resolve(emu.issueAccessToken(emu.defaultRealmId)),
    });
    run = (await runCompanySync({ store, companyId: company, client, clock: systemClock })).run!;
    reportDir = mkdtempSync(join(tmpdir(), "ledgerlink-mail-"));
  });
  afterAll(async () => {
    await smtp?.close();
    await store?.close();
    await emulator?.close();
  });
  beforeEach(async () => {
    smtp.received.length = 0;
    await store.company(company).reports.replaceRecipients([], new Date().toISOString());
  });

  const settings = (over: Partial<Parameters<typeof reportTransport>[0]> = {}) => ({
    smtpUrl: `smtp://reports:${password}@127.0.0.1:${smtp.port}`,
    from: "Ledgerlink <sync@acme.example>",
    recipients: ["office@acme.example"],
    dir: reportDir,
    ...over,
  });
  const parsed = async (i = 0): Promise<ParsedMail> => simpleParser(smtp.received[i]!.raw);
  const csvRows = (content: Buffer) => parse(content.toString("utf8"), { bom: true }) as string[][];

  it("sends the report: subject, HTML body, plain text, the report CSV and the QBO import file attached", async () => {
    const delivery = await sendRunReport({
      store,
      companyId: company,
      runId: run.id,
      transport: reportTransport(settings()),
    });
    expect(delivery).toMatchObject({
      delivery: "smtp",
      server: `smtp://127.0.0.1:${smtp.port}`,
      to: ["office@acme.example"],
      accepted: ["office@acme.example"],
      rejected: [],
      attachments: [`sync-report-${run.id}.csv`, "unmatched-customers.csv"],
    });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatchObject({
      from: "sync@acme.example",
      to: ["office@acme.example"],
      user: "reports",
    });

    const mail = await parsed();
    expect(mail.subject).toBe(
      `Sync report for Acme <Plumbing> & Sons: ${run.status} — 0 linked, 1 created, 0 updated, 1 open problem`,
    );
    expect(mail.from?.text).toBe('"Ledgerlink" <sync@acme.example>');
    const html = String(mail.html);
    expect(html).toContain("<h1>Sync report — Acme &lt;Plumbing&gt; &amp; Sons</h1>");
    expect(html).toContain("C:2001");
    expect(html).toContain("already used in QuickBooks");
    expect(mail.text).toContain("Customers not in QuickBooks: 2 (1 in unmatched-customers.csv)");

    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`sync-report-${run.id}.csv`, "text/csv"],
      ["unmatched-customers.csv", "text/csv"],
    ]);
    const report = csvRows(mail.attachments[0]!.content);
    expect(report[0]).toEqual([...reportCsvColumns]);
    expect(report.find((r) => r[0] === "error")).toEqual(
      expect.arrayContaining(["C:2001", "Smith Plumbing"]),
    );
    expect(csvRows(mail.attachments[1]!.content)).toEqual([
      [...qboCustomerImportColumns],
      ["Lakeside Veterinary", "", "desk@lakeside-vet.example", "503-555-0142", "", "", "", "", "", ""],
    ]);
  });

  describe("POST …/reports/runs/:runId/email", () => {
    let http: ReturnType<typeof serve>;
    let base: string;
    beforeAll(async () => {
      const config = loadConfig({
        LEDGERLINK_COMPANY: company,
        QBO_BASE_URL: emulator.url,
        LEDGERLINK_TOKEN_KEY: "a".repeat(43) + "=",
        SMTP_URL: `smtp://reports:${password}@127.0.0.1:${smtp.port}`,
        REPORT_FROM: "sync@acme.example",
        REPORT_RECIPIENTS: "office@acme.example, books@acme.example",
        REPORT_DIR: reportDir,
      });
      const connections = new ConnectionService({ store, config, clock: systemClock });
      const app = authorized(createApp({ config, store, connections, clock: systemClock }), store);
      http = await new Promise((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
      });
      base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/v1/companies/${company}`;
    });
    afterAll(() => new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve())));
    const email = (body?: unknown) =>
      fetch(`${base}/reports/runs/${run.id}/email`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    it("sends to REPORT_RECIPIENTS, then to the company's own list once it has one", async () => {
      const first = await email();
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({
        delivery: "smtp",
        accepted: ["office@acme.example", "books@acme.example"],
      });
      expect(smtp.received.map((m) => m.to)).toEqual([["office@acme.example", "books@acme.example"]]);

      const set = await fetch(`${base}/reports/recipients`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ recipients: ["owner@acme.example"] }),
      });
      expect(set.status).toBe(200);
      expect((await email()).status).toBe(200);
      expect(smtp.received.map((m) => m.to)[1]).toEqual(["owner@acme.example"]);
      expect((await parsed(1)).attachments).toHaveLength(2);
    });

    it("sends to the recipients of the request, and reports the ones the server refused", async () => {
      const res = await email({ recipients: ["ana@acme.example", "ghost@bounce.example"] });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        delivery: "smtp",
        to: ["ana@acme.example", "ghost@bounce.example"],
        accepted: ["ana@acme.example"],
        rejected: ["ghost@bounce.example"],
      });
      expect(smtp.received.map((m) => m.to)).toEqual([["ana@acme.example"]]);
    });

    it("answers 400 naming the field, 404 for an unknown run", async () => {
      const bad = await email({ recipients: [] });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { details: unknown } }).error.details).toEqual({
        field: "recipients",
      });
      const unknown = await fetch(`${base}/reports/runs/nosuchrun/email`, { method: "POST" });
      expect(unknown.status).toBe(404);
      expect(smtp.received).toHaveLength(0);
    });
  });

  it("answers 409 when a mail server is configured but nobody is to receive the report", async () => {
    const config = loadConfig({
      LEDGERLINK_COMPANY: company,
      QBO_BASE_URL: emulator.url,
      LEDGERLINK_TOKEN_KEY: "a".repeat(43) + "=",
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      REPORT_FROM: "sync@acme.example",
      REPORT_DIR: reportDir,
    });
    const app = authorized(
      createApp({
        config,
        store,
        connections: new ConnectionService({ store, config, clock: systemClock }),
        clock: systemClock,
      }),
      store,
    );
    const res = await app.request(`/api/v1/companies/${company}/reports/runs/${run.id}/email`, {
      method: "POST",
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("no_recipients");
    expect(smtp.received).toHaveLength(0);
  });

  it("keeps the report on disk when the server refuses the login, and never shows the password", async () => {
    const transport = reportTransport(
      settings({ smtpUrl: `smtp://reports:wrong-${password}@127.0.0.1:${smtp.port}` }),
    );
    const failure = await sendRunReport({ store, companyId: company, runId: run.id, transport }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ReportEmailError);
    const err = failure as ReportEmailError;
    expect(err.message).toMatch(
      new RegExp(`^The mail server smtp://127\\.0\\.0\\.1:${smtp.port} did not take`),
    );
    expect(err.message).toContain("EAUTH");
    expect(err.message).not.toContain(password);
    expect(err.savedTo).toBe(join(reportDir, company, run.id));
    expect(existsSync(join(err.savedTo, "sync-report.html"))).toBe(true);
    expect(existsSync(join(err.savedTo, "unmatched-customers.csv"))).toBe(true);
    expect(smtp.received).toHaveLength(0);
  });
});
