import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { systemClock, type RecordRef, type SyncRunSummary } from "@ledgerlink/core";
import { createEmulator } from "@ledgerlink/emulator";
import { createQboClient } from "@ledgerlink/qbo";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { parse } from "csv-parse/sync";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { runCompanySync } from "../company-sync.js";
import { loadConfig } from "../config.js";
import { ConnectionService } from "../connection-service.js";
import { ingestRecords } from "../ingest-records.js";
import { qboCustomerImportColumns } from "./qbo-customer-import.js";
import { reportCsvColumns } from "./report-csv.js";
import { syncReportSchema, type SyncReport } from "./report-schema.js";
import { authorized } from "../../test/authorized-app.js";

const company = "acme";
const evilName = '<script>alert("x")</script>';
const formulaName = "=2+5 Lakeside Vet";

describe.each(testDatabases())("report, email and export endpoints over HTTP ($dialect)", (database) => {
  const emu = createEmulator();
  const realm = () => emu.realm(emu.defaultRealmId);
  let emulator: Awaited<ReturnType<typeof emu.listen>>;
  let store: Store;
  let http: ReturnType<typeof serve>;
  let base: string;
  let run1: SyncRunSummary;
  let run2: SyncRunSummary;
  let reportDir: string;
  const qboIds: Record<string, string> = {};

  beforeAll(async () => {
    emulator = await emu.listen({ port: 0, host: "127.0.0.1" });
    realm().reset();
    store = await openStore(database.fresh());
    await store.ensureCompany(company, "Acme <Plumbing> & Sons");
    await store.ensureCompany("other", "Other Co");
    const client = createQboClient({
      baseUrl: emulator.url,
      realmId: emu.defaultRealmId,
      getAccessToken: () => Promise.resolve(emu.issueAccessToken(emu.defaultRealmId)),
    });

    // QuickBooks as the office typed it: a different "Smith Plumbing", a customer typed twice, and one
    // the app's new customer may or may not be.
    const typed = (body: Record<string, unknown>) => realm().create("Customer", body) as { Id: string };
    qboIds["smith"] = typed({
      DisplayName: "Smith Plumbing",
      PrimaryEmailAddr: { Address: "office@smith-tx.example" },
      BillAddr: { Line1: "9 Ranch Rd", City: "Dallas", CountrySubDivisionCode: "TX", PostalCode: "75201" },
    }).Id;
    qboIds["harbor"] = typed({
      DisplayName: "Harbor Freight Lines",
      PrimaryEmailAddr: { Address: "ap@harborfreight.example" },
      PrimaryPhone: { FreeFormNumber: "(415) 555-0101" },
    }).Id;
    qboIds["harborInc"] = typed({
      DisplayName: "Harbor Freight Lines Inc",
      PrimaryEmailAddr: { Address: "ap@harborfreight.example" },
      PrimaryPhone: { FreeFormNumber: "415-555-0101" },
    }).Id;
    qboIds["greenfield"] = typed({
      DisplayName: "Greenfield Landscaping",
      PrimaryEmailAddr: { Address: "crew@greenfield.example" },
    }).Id;

    const at = new Date().toISOString();
    const put = (rows: unknown[]) => ingestRecords(store.company(company), "customer", rows, at);
    await put([
      {
        id: "2001",
        displayName: "Smith Plumbing",
        email: "hello@smithplumbing-or.example",
        billingAddress: { line1: "88 Alder St", city: "Portland", region: "OR", postalCode: "97204" },
        active: true,
      },
      { id: "3001", displayName: "Oak  Street Dental ", email: "front@oakdental.example", active: true },
      {
        id: "4001",
        displayName: "Blue Ridge Bakery",
        email: "orders@blueridge.example",
        phone: "828-555-0134",
        active: true,
      },
      {
        id: "4002",
        displayName: "Blue Ridge Bakery LLC",
        email: "orders@blueridge.example",
        phone: "(828) 555-0134",
        active: true,
      },
      { id: "6001", displayName: evilName, email: "script@example.com", active: true },
      { id: "6002", parentId: "6001", displayName: "Basement job", active: true },
      {
        id: "8001",
        displayName: formulaName,
        companyName: "Lakeside Veterinary",
        email: "desk@lakeside-vet.example",
        phone: "+1 503 555 0142",
        billingAddress: {
          line1: "12 Lake Rd",
          line2: "Suite 4",
          city: "Salem",
          region: "OR",
          postalCode: "97301",
        },
        active: true,
      },
    ]);
    const sync = store.company(company).sync;
    await sync.setHold("C:6001" as RecordRef, "held", "ana", "checking with the owner", at);
    await sync.setHold("C:8001" as RecordRef, "held", "ana", "new client, not billed yet", at);
    const first = await runCompanySync({ store, companyId: company, client, clock: systemClock });
    run1 = first.run!;

    // A customer added since, that the matcher suggested for review.
    await put([
      {
        id: "7001",
        displayName: "Greenfield Landscape Co",
        email: "office@greenfield.example",
        active: true,
      },
    ]);
    const second = await runCompanySync({ store, companyId: company, client, clock: systemClock });
    run2 = second.run!;
    await store
      .company(company)
      .review.saveReviewSuggestions(
        run2.id,
        [{ localId: "7001", qboId: qboIds["greenfield"]!, score: 0.81, reasons: ["similar name"] }],
        new Date().toISOString(),
      );

    reportDir = mkdtempSync(join(tmpdir(), "ledgerlink-reports-"));
    const config = loadConfig({
      LEDGERLINK_COMPANY: company,
      QBO_BASE_URL: emulator.url,
      LEDGERLINK_TOKEN_KEY: "a".repeat(43) + "=",
      REPORT_DIR: reportDir,
    });
    const connections = new ConnectionService({ store, config, clock: systemClock });
    const app = authorized(createApp({ config, store, connections, clock: systemClock }), store);
    http = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/v1/companies`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    await store?.close();
    await emulator?.close();
  });

  const get = (path: string) => fetch(`${base}${path}`);
  const post = (path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  const errorOf = async (res: Response) =>
    ((await res.json()) as { error: { code: string; message: string; details?: { field?: string } } }).error;
  const csvRows = (text: string) => parse(text, { bom: true }) as string[][];

  describe("GET …/reports/runs/:runId", () => {
    it("answers the run's report as JSON: counts, open problems, review, unmatched, duplicates, auto-repairs", async () => {
      const res = await get(`/${company}/reports/runs/${run1.id}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/application\/json/);
      const report: SyncReport = syncReportSchema.parse(await res.json());

      expect(report.company).toEqual({ id: company, name: "Acme <Plumbing> & Sons" });
      expect(report.scope).toEqual({ kind: "run", runId: run1.id });
      expect(report.asOf).toBe(run1.finishedAt);
      expect(report.runs.map((r) => [r.id, r.status])).toEqual([[run1.id, run1.status]]);
      const { pending: _pending, ...outcomes } = run1.counts;
      expect(report.counts).toEqual(outcomes);
      // Two held by staff and the job waiting for its held parent.
      expect(report.counts).toMatchObject({ created: 3, held: 3, blocked: 1 });

      // The Smith Plumbing QuickBooks already has (a different business) blocks the app's.
      expect(report.errors.byCategory).toEqual([{ category: "duplicate", title: "Duplicates", count: 1 }]);
      expect(report.errors.items).toEqual([
        expect.objectContaining({
          ref: "C:2001",
          name: "Smith Plumbing",
          source: "preflight",
          category: "duplicate",
          field: "displayName",
          runId: run1.id,
        }),
      ]);
      expect(report.errors.items[0]!.message).toMatch(/already used in QuickBooks/);

      expect(report.autoRepairs).toEqual([
        expect.objectContaining({
          ref: "C:3001",
          action: "trim-spaces",
          field: "displayName",
          before: "Oak  Street Dental ",
          after: "Oak Street Dental",
        }),
      ]);

      expect(report.review.items).toEqual([
        {
          ref: "C:7001",
          name: "Greenfield Landscape Co",
          qboId: qboIds["greenfield"],
          qboName: "Greenfield Landscaping",
          score: 0.81,
          reasons: ["similar name"],
        },
      ]);

      const unmatched = Object.fromEntries(report.unmatched.customers.map((u) => [u.ref, u]));
      expect(Object.keys(unmatched)).toEqual(["C:2001", "C:6001", "C:6002", "C:7001", "C:8001"]);
      expect(unmatched["C:2001"]!.why).toMatch(/^blocked: .*already used in QuickBooks/);
      expect(unmatched["C:2001"]!.export).toEqual({
        included: false,
        reason: "QuickBooks already uses its name: rename or link it first",
      });
      expect(unmatched["C:6001"]!.why).toBe("held in the queue by ana: checking with the owner");
      expect(unmatched["C:6001"]!.export).toMatchObject({
        included: false,
        reason: expect.stringMatching(/^Name/),
      });
      expect(unmatched["C:6002"]).toMatchObject({
        parentRef: "C:6001",
        why: "waits for its parent C:6001, which is not in QuickBooks yet",
        export: { included: false, reason: expect.stringMatching(/cannot make sub-customers/) },
      });
      expect(unmatched["C:7001"]!.why).toMatch(
        /^waiting for review: it may be QuickBooks customer \d+ "Greenfield/,
      );
      expect(unmatched["C:7001"]!.export).toMatchObject({ included: false });
      expect(unmatched["C:8001"]!.export).toEqual({ included: true });
      expect(report.unmatched).toMatchObject({ total: 5, exportable: 1 });

      expect(report.duplicates.app.map((g) => g.members.map((m) => m.id))).toEqual([["C:4001", "C:4002"]]);
      expect(report.duplicates.app[0]!.reasons).toContain("same email");
      // QuickBooks' side: the pair typed twice, and the app's pair that the first run created there.
      const links = await store.company(company).sync.listLinks();
      const bakery = ["C:4001", "C:4002"].map((ref) => links.get(ref as RecordRef)!.qboId);
      expect(report.duplicates.qbo.map((g) => g.members.map((m) => m.id)).sort()).toEqual(
        [[qboIds["harbor"], qboIds["harborInc"]], bakery].sort(),
      );
      const bakeryGroup = report.duplicates.qbo.find((g) => g.members[0]!.id === bakery[0])!;
      expect(bakeryGroup.members.map((m) => m.linkedTo)).toEqual(["C:4001", "C:4002"]);
    });

    it("answers a printable HTML page with every value escaped", async () => {
      const res = await get(`/${company}/reports/runs/${run1.id}.html`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
      const page = await res.text();
      expect(page).toContain("<h1>Sync report — Acme &lt;Plumbing&gt; &amp; Sons</h1>");
      expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
      expect(page).not.toContain("<script");
      expect(page).toContain("@media print");
      expect(page).toContain("Oak  Street Dental ");
    });

    it("answers a CSV with every section, cells neutralised against formulas", async () => {
      const res = await get(`/${company}/reports/runs/${run1.id}.csv`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toBe(
        `attachment; filename="sync-report-${run1.id}.csv"`,
      );
      const rows = csvRows(await res.text());
      expect(rows[0]).toEqual([...reportCsvColumns]);
      const sections = new Set(rows.slice(1).map((r) => r[0]));
      for (const s of ["count", "run", "errors by category", "error", "review", "unmatched", "auto-repair"])
        expect(sections).toContain(s);
      expect(sections).toContain("duplicate in app");
      expect(sections).toContain("duplicate in QuickBooks");
      const formulaRow = rows.find((r) => r[0] === "unmatched" && r[2] === "C:8001")!;
      expect(formulaRow[3]).toBe(`'${formulaName}`);
      for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    });

    it("answers 400 naming the field for a format it does not serve, 404 for an unknown run or company", async () => {
      const pdf = await get(`/${company}/reports/runs/${run1.id}.pdf`);
      expect(pdf.status).toBe(400);
      expect(await errorOf(pdf)).toMatchObject({ code: "invalid_format", details: { field: "format" } });

      const missing = await get(`/${company}/reports/runs/nosuchrun.html`);
      expect(missing.status).toBe(404);
      expect(await errorOf(missing)).toMatchObject({ code: "run_not_found", details: { field: "runId" } });

      // Another company's run is not this company's.
      const elsewhere = await get(`/other/reports/runs/${run1.id}`);
      expect(elsewhere.status).toBe(404);
      expect((await errorOf(elsewhere)).code).toBe("run_not_found");

      const noCompany = await get(`/nope/reports/runs/${run1.id}`);
      expect(noCompany.status).toBe(404);
      expect(await errorOf(noCompany)).toMatchObject({
        code: "company_not_found",
        details: { field: "companyId" },
      });
    });
  });

  describe("GET …/reports?from=&to=", () => {
    const today = () => new Date().toISOString().slice(0, 10);

    it("sums the runs of the period and lists them", async () => {
      const res = await get(`/${company}/reports?from=${today()}`);
      expect(res.status).toBe(200);
      const report = syncReportSchema.parse(await res.json());
      expect(report.scope).toMatchObject({ kind: "period", from: `${today()}T00:00:00.000Z` });
      expect(report.runs.map((r) => r.id)).toEqual([run1.id, run2.id]);
      for (const k of ["created", "held", "blocked", "skipped"] as const)
        expect(report.counts[k]).toBe(run1.counts[k] + run2.counts[k]);
      expect(report.autoRepairs.map((a) => a.ref)).toEqual(["C:3001"]);
      expect(report.errors.items.map((e) => e.ref)).toEqual(["C:2001"]);
    });

    it("counts a day named as `to` whole, and answers an empty period with zeros", async () => {
      const whole = syncReportSchema.parse(
        await (await get(`/${company}/reports.json?from=${today()}&to=${today()}`)).json(),
      );
      expect(whole.runs).toHaveLength(2);
      const past = syncReportSchema.parse(
        await (await get(`/${company}/reports?from=2020-01-01&to=2020-01-02`)).json(),
      );
      expect(past.runs).toEqual([]);
      expect(Object.values(past.counts).every((n) => n === 0)).toBe(true);
      expect(past.autoRepairs).toEqual([]);
      expect(past.scope).toEqual({
        kind: "period",
        from: "2020-01-01T00:00:00.000Z",
        to: "2020-01-03T00:00:00.000Z",
      });
    });

    it("answers the period as HTML and CSV", async () => {
      const html = await get(`/${company}/reports.html?from=${today()}`);
      expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const page = await html.text();
      expect(page).toMatch(/2 runs/);
      expect(page).toContain(run2.id);
      const csv = await get(`/${company}/reports.csv?from=${today()}`);
      expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="sync-report-/);
      const rows = csvRows(await csv.text());
      expect(rows.filter((r) => r[0] === "run").map((r) => r[1])).toEqual([run1.id, run2.id]);
    });

    it("answers 400 naming from or to, and 404 for an unknown company", async () => {
      const cases: [string, string][] = [
        ["", "from"],
        ["?to=2026-01-01", "from"],
        ["?from=yesterday", "from"],
        ["?from=2026-02-30", "from"],
        ["?from=2026-01-02&to=2026-01-01T00:00:00Z", "to"],
        ["?from=2026-01-01&to=soon", "to"],
      ];
      for (const [query, field] of cases) {
        const res = await get(`/${company}/reports${query}`);
        expect(res.status, query).toBe(400);
        expect((await errorOf(res)).details, query).toEqual({ field });
      }
      const res = await get(`/nope/reports?from=2026-01-01`);
      expect(res.status).toBe(404);
    });
  });

  describe("GET …/exports/unmatched-customers.csv", () => {
    it("answers QBO's customer import layout with the customers it can take, and counts the rest", async () => {
      const res = await get(`/${company}/exports/unmatched-customers.csv`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toBe(
        `attachment; filename="unmatched-customers-${company}.csv"`,
      );
      expect(res.headers.get("ledgerlink-included")).toBe("1");
      expect(res.headers.get("ledgerlink-excluded")).toBe("4");
      const text = await res.text();
      expect(text.charCodeAt(0)).not.toBe(0xfeff);
      expect(csvRows(text)).toEqual([
        [...qboCustomerImportColumns],
        [
          `'${formulaName}`,
          "Lakeside Veterinary",
          "desk@lakeside-vet.example",
          "'+1 503 555 0142",
          "",
          "12 Lake Rd, Suite 4",
          "Salem",
          "OR",
          "97301",
          "",
        ],
      ]);
    });

    it("answers 404 for an unknown company", async () => {
      const res = await get(`/nope/exports/unmatched-customers.csv`);
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe("company_not_found");
    });
  });

  describe("…/reports/recipients", () => {
    it("falls back to REPORT_RECIPIENTS, replaces the company's list, and refuses a bad address by field", async () => {
      expect(await (await get(`/${company}/reports/recipients`)).json()).toEqual({
        recipients: [],
        source: "default",
        default: [],
      });
      const bad = await post(`/${company}/reports/recipients`, {
        recipients: ["ana@acme.example", "not an email"],
      });
      expect(bad.status).toBe(400);
      expect(await errorOf(bad)).toMatchObject({ code: "invalid_body", details: { field: "recipients.1" } });
      // Nothing was half-written.
      expect(await store.company(company).reports.listRecipients()).toEqual([]);

      const ok = await post(`/${company}/reports/recipients`, {
        recipients: ["owner@acme.example", "ana@acme.example", "Owner@Acme.example"],
      });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({
        recipients: ["owner@acme.example", "ana@acme.example"],
        source: "company",
        default: [],
      });
      expect((await (await get(`/${company}/reports/recipients`)).json()) as unknown).toMatchObject({
        source: "company",
      });
      expect(await store.company("other").reports.listRecipients()).toEqual([]);

      const cleared = await post(`/${company}/reports/recipients`, { recipients: [] });
      expect(await cleared.json()).toMatchObject({ recipients: [], source: "default" });
    });

    it("answers 400 for a body that is not JSON or not the shape, 404 for an unknown company", async () => {
      const notJson = await post(`/${company}/reports/recipients`, "{oops");
      expect(notJson.status).toBe(400);
      expect((await errorOf(notJson)).details).toEqual({ field: "(body)" });
      const extra = await post(`/${company}/reports/recipients`, { recipients: [], cc: [] });
      expect(extra.status).toBe(400);
      const missing = await post(`/${company}/reports/recipients`, {});
      expect(await errorOf(missing)).toMatchObject({ details: { field: "recipients" } });
      expect((await get(`/nope/reports/recipients`)).status).toBe(404);
      expect((await post(`/nope/reports/recipients`, { recipients: [] })).status).toBe(404);
    });
  });

  describe("POST …/reports/runs/:runId/email without a mail server", () => {
    it("writes the report to REPORT_DIR and says where", async () => {
      const res = await post(`/${company}/reports/runs/${run1.id}/email`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        delivery: string;
        directory: string;
        files: string[];
        reason: string;
      };
      expect(body).toMatchObject({
        delivery: "disk",
        directory: join(reportDir, company, run1.id),
        reason: "no mail server is configured (SMTP_URL)",
      });
      expect(body.files).toEqual([
        "sync-report.html",
        `sync-report-${run1.id}.csv`,
        "unmatched-customers.csv",
      ]);
      for (const f of body.files) expect(existsSync(join(body.directory, f))).toBe(true);
      expect(readFileSync(join(body.directory, "sync-report.html"), "utf8")).toContain(
        "Acme &lt;Plumbing&gt;",
      );
      expect(csvRows(readFileSync(join(body.directory, "unmatched-customers.csv"), "utf8"))).toHaveLength(2);
    });

    it("answers 400 naming the field, 404 for an unknown run or company", async () => {
      const bad = await post(`/${company}/reports/runs/${run1.id}/email`, { recipients: ["x"] });
      expect(bad.status).toBe(400);
      expect((await errorOf(bad)).details).toEqual({ field: "recipients.0" });
      const unknown = await post(`/${company}/reports/runs/nosuchrun/email`);
      expect(unknown.status).toBe(404);
      expect(await errorOf(unknown)).toMatchObject({ code: "run_not_found", details: { field: "runId" } });
      expect((await post(`/nope/reports/runs/${run1.id}/email`)).status).toBe(404);
    });
  });
});
