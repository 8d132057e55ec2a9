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
    });
  },
);
