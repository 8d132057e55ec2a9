import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { systemClock, type QboCustomer, type RecordRef } from "@ledgerlink/core";
import { createEmulator } from "@ledgerlink/emulator";
import { createQboClient, type QboClient } from "@ledgerlink/qbo";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { runCompanySync } from "../company-sync.js";
import { loadConfig } from "../config.js";
import { ConnectionService } from "../connection-service.js";
import { ingestRecords } from "../ingest-records.js";
import { qboCustomerImportColumns } from "./qbo-customer-import.js";
import { syncReportSchema } from "./report-schema.js";
import { authorized } from "../../test/authorized-app.js";

/**
 * What QuickBooks' customer import does with the file, done through the emulator's QBO API: one
 * customer per row, each column into the field the import maps it to. Cells are taken as they are in
 * the file — a formula-neutralising `'` included — which is the harder case for the next sync's matching.
 */
async function importCustomersCsv(csv: string, client: QboClient): Promise<QboCustomer[]> {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const created: QboCustomer[] = [];
  for (const [i, row] of rows.entries()) {
    const v = (column: (typeof qboCustomerImportColumns)[number]) => row[column] ?? "";
    const customer: QboCustomer = { DisplayName: v("Name") };
    if (v("Company")) customer.CompanyName = v("Company");
    if (v("Email")) customer.PrimaryEmailAddr = { Address: v("Email") };
    if (v("Phone")) customer.PrimaryPhone = { FreeFormNumber: v("Phone") };
    if (v("Mobile")) customer.Mobile = { FreeFormNumber: v("Mobile") };
    const address = {
      ...(v("Street") ? { Line1: v("Street") } : {}),
      ...(v("City") ? { City: v("City") } : {}),
      ...(v("State") ? { CountrySubDivisionCode: v("State") } : {}),
      ...(v("ZIP") ? { PostalCode: v("ZIP") } : {}),
      ...(v("Country") ? { Country: v("Country") } : {}),
    };
    if (Object.keys(address).length > 0) customer.BillAddr = address;
    created.push(await client.create("Customer", customer, { requestId: `csv-import-row-${i + 1}` }));
  }
  return created;
}

describe.each(testDatabases())(
  "unmatched customers round trip through QBO's import ($dialect)",
  (database) => {
    const emu = createEmulator();
    const realm = () => emu.realm(emu.defaultRealmId);
    let emulator: Awaited<ReturnType<typeof emu.listen>>;
    let store: Store;
    let client: QboClient;
    let http: ReturnType<typeof serve>;
    let base: string;
    const company = "acme";

    beforeAll(async () => {
      emulator = await emu.listen({ port: 0, host: "127.0.0.1" });
      realm().reset();
      store = await openStore(database.fresh());
      await store.ensureCompany(company, "Acme Plumbing");
      client = createQboClient({
        baseUrl: emulator.url,
        realmId: emu.defaultRealmId,
        getAccessToken: () => Promise.resolve(emu.issueAccessToken(emu.defaultRealmId)),
      });
      const config = loadConfig({
        LEDGERLINK_COMPANY: company,
        QBO_BASE_URL: emulator.url,
        LEDGERLINK_TOKEN_KEY: "a".repeat(43) + "=",
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
      http = await new Promise((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
      });
      base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/v1/companies/${company}`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
      await store?.close();
      await emulator?.close();
    });

    it("exports them, QBO's import creates them, and the next sync links every one, creating none twice", async () => {
      realm().create("Customer", {
        DisplayName: "Pioneer Hardware",
        PrimaryEmailAddr: { Address: "ap@pioneer.example" },
      });
      const at = new Date().toISOString();
      await ingestRecords(
        store.company(company),
        "customer",
        [
          { id: "100", displayName: "Oak Street Dental", email: "front@oakdental.example", active: true },
          {
            id: "201",
            displayName: "Lakeside Veterinary",
            companyName: "Lakeside Veterinary LLC",
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
          { id: "202", displayName: "@Home Cleaning", email: "hello@athome-cleaning.example", active: true },
          {
            id: "203",
            displayName: "Nguyen & Sons Roofing",
            email: "quotes@nguyen-roofing.example",
            mobile: "(971) 555-0199",
            billingAddress: {
              line1: "400 Main Street",
              city: "Portland",
              region: "OR",
              postalCode: "97204",
              country: "USA",
            },
            active: true,
          },
          { id: "204", parentId: "201", displayName: "Barn clinic", active: true },
        ],
        at,
      );
      // The office keeps the new clients out of the sync: they will add them to QuickBooks themselves.
      const unmatchedRefs = ["C:201", "C:202", "C:203"] as RecordRef[];
      for (const ref of unmatchedRefs)
        await store
          .company(company)
          .sync.setHold(ref, "held", "ana", "adding them in QuickBooks by hand", at);

      const first = await runCompanySync({ store, companyId: company, client, clock: systemClock });
      expect(first.outcomes.map((o) => [o.ref, o.outcome])).toEqual(
        expect.arrayContaining([
          ["C:100", "created"],
          ["C:201", "held"],
          ["C:202", "held"],
          ["C:203", "held"],
          ["C:204", "held"],
        ]),
      );

      const res = await fetch(`${base}/exports/unmatched-customers.csv`);
      expect(res.status).toBe(200);
      expect(res.headers.get("ledgerlink-excluded")).toBe("1"); // the job: QBO's import cannot make one
      const csv = await res.text();
      const rows = parse(csv) as string[][];
      expect(rows[0]).toEqual([...qboCustomerImportColumns]);
      expect(rows.slice(1).map((r) => r[0])).toEqual([
        "Lakeside Veterinary",
        "'@Home Cleaning",
        "Nguyen & Sons Roofing",
      ]);

      const before = realm().list("Customer").length;
      const imported = await importCustomersCsv(csv, client);
      expect(realm().list("Customer")).toHaveLength(before + 3);

      for (const ref of [...unmatchedRefs])
        await store.company(company).sync.release(ref, "ana", new Date().toISOString());
      const second = await runCompanySync({ store, companyId: company, client, clock: systemClock });
      const outcome = (ref: string) => second.outcomes.find((o) => o.ref === ref);
      imported.forEach((q, i) => {
        expect(outcome(unmatchedRefs[i]!), unmatchedRefs[i]).toMatchObject({
          outcome: "linked",
          qboId: q.Id,
        });
      });
      // The job goes in under its parent, now linked; nothing else is created.
      expect(outcome("C:204")).toMatchObject({ outcome: "created" });
      expect(second.outcomes.filter((o) => o.outcome === "created").map((o) => o.ref)).toEqual(["C:204"]);

      const customers = realm().list("Customer") as unknown as (QboCustomer & { Id: string })[];
      expect(customers).toHaveLength(before + 4);
      const job = customers.find((c) => c.DisplayName === "Barn clinic")!;
      expect(job.ParentRef?.value).toBe(imported[0]!.Id);
      const names = customers.map((c) => c.DisplayName);
      expect(new Set(names).size).toBe(names.length);
      // Linking brought QBO's copies in line with the app: the apostrophe that kept "@Home Cleaning" and
      // "+1 503…" from being read as formulas in a spreadsheet does not stay in QuickBooks.
      expect(names).toContain("@Home Cleaning");
      expect(names).not.toContain("'@Home Cleaning");
      expect(customers.find((c) => c.Id === imported[0]!.Id)?.PrimaryPhone?.FreeFormNumber).toBe(
        "+1 503 555 0142",
      );

      const links = await store.company(company).sync.listLinks();
      imported.forEach((q, i) => expect(links.get(unmatchedRefs[i]!)?.qboId).toBe(q.Id));

      const after = syncReportSchema.parse(
        await (await fetch(`${base}/reports/runs/${second.run!.id}`)).json(),
      );
      expect(after.unmatched).toEqual({ total: 0, exportable: 0, customers: [] });
      expect(after.counts).toMatchObject({ linked: 3, created: 1 });
      expect(parse(await (await fetch(`${base}/exports/unmatched-customers.csv`)).text())).toEqual([
        [...qboCustomerImportColumns],
      ]);
    });
  },
);
