import { testDatabases } from "@ledgerlink/store";
import { parse } from "csv-parse/sync";
import { afterEach, describe, expect, it } from "vitest";
import { qboCustomerImportColumns } from "../../src/reports/qbo-customer-import.js";
import { expectContract, startApiHarness, type ApiHarness } from "../api-harness.js";
import { scenarioSteps } from "./scenario-steps.js";

/**
 * Seed article 003 (Canopy): clients that do not match a QBO customer are kept out of the sync; the
 * post-sync report lists the unmatched and the duplicate clients; the unmatched ones are exported to
 * CSV in QuickBooks' import layout and imported there; each client maps to exactly one QBO customer,
 * so QBO's duplicate is made inactive and the app's own duplicate is merged. The sync is then clean.
 */
describe.each(testDatabases().filter((d) => d.dialect === "sqlite"))(
  "seed 003: unmatched and duplicate clients, the report and the CSV export ($dialect)",
  (database) => {
    let h: ApiHarness;
    afterEach(() => h?.close());

    it("reports unmatched and duplicate clients, exports the unmatched to QBO's import, and ends with one QBO customer per client", async () => {
      h = await startApiHarness(database, {
        seed: {
          realms: [
            {
              entities: {
                Customer: [
                  // The same client twice in QBO (typed in twice over the years).
                  {
                    Id: "300",
                    DisplayName: "Whitfield CPA Group",
                    PrimaryEmailAddr: { Address: "office@whitfieldcpa.example" },
                    PrimaryPhone: { FreeFormNumber: "(555) 300-1000" },
                  },
                  {
                    Id: "301",
                    DisplayName: "Whitfield CPA Group LLC",
                    PrimaryEmailAddr: { Address: "office@whitfieldcpa.example" },
                    PrimaryPhone: { FreeFormNumber: "555-300-1000" },
                  },
                  {
                    Id: "302",
                    DisplayName: "Osei Family Trust",
                    PrimaryEmailAddr: { Address: "k.osei@mail.example" },
                  },
                ],
              },
            },
          ],
        },
      });
      const s = scenarioSteps(h);
      await h.put("customer", [
        { id: "10", displayName: "Osei Family Trust", email: "k.osei@mail.example" },
        {
          id: "11",
          displayName: "Whitfield CPA Group",
          email: "office@whitfieldcpa.example",
          phone: "555-300-1000",
        },
        // Not in QBO: the office adds these there itself (the article's export and import).
        { id: "12", displayName: "Lindgren Bakery", email: "hello@lindgren.example", phone: "555-120-4400" },
        {
          id: "13",
          displayName: "Castillo & Park Dentistry",
          companyName: "Castillo & Park Dentistry PC",
          email: "front@cpdentistry.example",
          billingAddress: { line1: "88 Cherry Ln", city: "Peoria", region: "IL", postalCode: "61602" },
        },
        // The same client twice in the app.
        { id: "14", displayName: "Brennan Realty", email: "desk@brennanrealty.example" },
        { id: "15", displayName: "Brennan Realty Group", email: "desk@brennanrealty.example" },
      ]);
      // Canopy's rule: clients with no QBO match are not synced. Keep them (and the duplicate) back.
      for (const ref of ["C:12", "C:13", "C:15"])
        expectContract(
          "holdQueueRecord",
          await h.call("POST", `${s.base}/queue/${ref}/hold`, { reason: "not in QuickBooks yet" }),
          200,
        );
      const first = await s.syncNow();

      // The post-sync report: what was linked, the unmatched clients and the duplicates, each with why.
      const report = await s.report(first.id);
      expect(report.unmatched.customers.map((c) => c.ref).sort()).toEqual(["C:12", "C:13", "C:15"]);
      expect(report.unmatched.customers.find((c) => c.ref === "C:12")!.why).toMatch(/held/);
      const qboDup = report.duplicates.qbo.find((g) => g.members.some((m) => m.id === "301"));
      expect(qboDup?.members.map((m) => m.id).sort()).toEqual(["300", "301"]);
      const appDup = report.duplicates.app.find((g) => g.members.some((m) => m.id === "C:14"));
      expect(appDup?.members.map((m) => m.id).sort()).toEqual(["C:14", "C:15"]);
      // The same report for the day as a spreadsheet and as the page that is emailed.
      const day = new Date().toISOString().slice(0, 10);
      const next = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      for (const format of ["csv", "html"]) {
        const r = await h.call<string>("GET", `${s.base}/reports.${format}?from=${day}&to=${next}`);
        expect(r.status, format).toBe(200);
        expect(String(r.body), format).toContain("Lindgren Bakery");
        expect(String(r.body), format).toContain("Whitfield CPA Group LLC");
      }

      // Export the unmatched clients in QuickBooks' customer-import layout...
      const exported = await h.call<string>("GET", `${s.base}/exports/unmatched-customers.csv`);
      expect(exported.status).toBe(200);
      const rows = parse(String(exported.body)) as string[][];
      expect(rows[0]).toEqual([...qboCustomerImportColumns]);
      const byName = new Map(rows.slice(1).map((r) => [r[0]!, r]));
      expect([...byName.keys()]).toEqual(
        expect.arrayContaining(["Lindgren Bakery", "Castillo & Park Dentistry"]),
      );
      // ...and import them into QBO (Settings > Import Data > Customers), one customer per row.
      const col = (row: string[], name: (typeof qboCustomerImportColumns)[number]) =>
        row[qboCustomerImportColumns.indexOf(name)] ?? "";
      for (const name of ["Lindgren Bakery", "Castillo & Park Dentistry"]) {
        const row = byName.get(name)!;
        h.realm().create("Customer", {
          DisplayName: col(row, "Name"),
          ...(col(row, "Company") ? { CompanyName: col(row, "Company") } : {}),
          ...(col(row, "Email") ? { PrimaryEmailAddr: { Address: col(row, "Email") } } : {}),
          ...(col(row, "Phone") ? { PrimaryPhone: { FreeFormNumber: col(row, "Phone") } } : {}),
          ...(col(row, "Street")
            ? {
                BillAddr: {
                  Line1: col(row, "Street"),
                  City: col(row, "City"),
                  CountrySubDivisionCode: col(row, "State"),
                  PostalCode: col(row, "ZIP"),
                },
              }
            : {}),
        });
      }

      // One client, one QBO customer: the app's Whitfield is linked to the exact-name one (300), so
      // QBO's second Whitfield is marked to be made inactive by the next sync...
      const whitfield = expectContract<{ link: { qboId: string } | null }>(
        "getRecord",
        await h.call("GET", `${s.base}/records/C:11`),
        200,
      );
      expect(whitfield.link?.qboId).toBe("300");
      expectContract(
        "markQboCustomerInactive",
        await h.call("POST", `${s.base}/review/qbo-inactive`, { qboId: "301", duplicateOf: "11" }),
        200,
      );
      // ...and the app's duplicate client is merged into the primary one.
      expectContract(
        "mergeCustomers",
        await h.call("POST", `${s.base}/merges`, { survivorId: "14", mergedId: "15" }),
        201,
      );
      // Restart the integration for the held clients: they link to the imported customers.
      for (const ref of ["C:12", "C:13"])
        expectContract("releaseQueueRecord", await h.call("POST", `${s.base}/queue/${ref}/release`, {}), 200);
      const clean = await s.expectCleanSync();

      const after = await s.report(clean.id);
      expect(after.unmatched.total).toBe(0);
      expect(after.duplicates.app).toEqual([]);
      expect(after.duplicates.qbo).toEqual([]);
      const links = await h.store.company(h.company).sync.listLinks();
      const linked = ["C:10", "C:11", "C:12", "C:13", "C:14"].map((r) => links.get(r as never)?.qboId);
      expect(linked.every((id) => id !== undefined)).toBe(true);
      expect(new Set(linked).size).toBe(5);
      expect(h.realm().get("Customer", "301")).toMatchObject({ Active: false });
      // Nothing created twice: every active QBO customer is one of the app's clients.
      const active = h
        .realm()
        .list("Customer")
        .filter((c) => c["Active"] !== false);
      expect(active.map((c) => c["Id"]).sort()).toEqual([...linked].sort());
    });
  },
);
