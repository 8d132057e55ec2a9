import type { Clock } from "@ledgerlink/core";
import { testDatabases } from "@ledgerlink/store";
import { afterEach, describe, expect, it } from "vitest";
import { Scheduler } from "../../src/scheduler.js";
import { expectContract, startApiHarness, type ApiHarness } from "../api-harness.js";
import { scenarioSteps } from "./scenario-steps.js";

/**
 * Seed article 001: Enable + Connect + Submit; the app's contacts are matched to the customers
 * already in QBO instead of being created again (the article's "Acme Plumbing, Inc." beside QBO's
 * "Acme Plumbing Inc" included, so no merge in QBO is needed); invoices go out in scheduled batches,
 * and Sync Now sends them at once.
 */
describe.each(testDatabases().filter((d) => d.dialect === "sqlite"))(
  "seed 001: matching existing QBO customers, batches and Sync Now ($dialect)",
  (database) => {
    let h: ApiHarness;
    afterEach(() => h?.close());

    it("links the app's contacts to QBO's hand-typed customers under other spellings instead of creating duplicates", async () => {
      h = await startApiHarness(database, {
        seed: {
          realms: [
            {
              entities: {
                Customer: [
                  {
                    Id: "201",
                    DisplayName: "Acme Plumbing Inc",
                    PrimaryPhone: { FreeFormNumber: "(555) 010-2000" },
                  },
                  {
                    Id: "202",
                    DisplayName: "O'Brien's Plumbing",
                    PrimaryEmailAddr: { Address: "office@obrien.example" },
                  },
                  {
                    Id: "208",
                    DisplayName: "Baker and Sons Heating",
                    PrimaryPhone: { FreeFormNumber: "(555) 014-3300" },
                    PrimaryEmailAddr: { Address: "billing@bakersons.example" },
                  },
                  {
                    Id: "209",
                    DisplayName: "R.T. Hughes Electric",
                    PrimaryEmailAddr: { Address: "rt@hughes-electric.example" },
                  },
                  { Id: "214", DisplayName: "Pine Ridge HOA" },
                ],
              },
            },
          ],
        },
      });
      const s = scenarioSteps(h);
      // Enable, Connect (OAuth through the emulator's consent page, done by the first sync), Submit.
      expect((await h.call("PUT", `${s.base}/connection`, { enabled: true, settings: {} })).status).toBe(200);
      await h.put("customer", [
        { id: "1050", displayName: "Acme Plumbing, Inc.", phone: "555-010-2000" },
        { id: "1051", displayName: "O'Brien's  Plumbing", email: "office@obrien.example" },
        {
          id: "1059",
          displayName: "Baker & Sons Heating",
          phone: "555-014-3300",
          email: "billing@bakersons.example",
        },
        { id: "1060", displayName: "RT Hughes Electric", email: "rt@hughes-electric.example" },
        // Words in common with QBO's "Pine Ridge HOA" but no shared detail: a person decides.
        { id: "1070", displayName: "Pine Ridge Homeowners Association", email: "board@pineridge.example" },
      ]);
      const first = await s.syncNow();
      expect(first.status).toBe("succeeded");
      // Sure matches are linked, not created again.
      for (const [ref, qboId] of [
        ["C:1051", "202"],
        ["C:1059", "208"],
        ["C:1060", "209"],
      ] as const) {
        const record = expectContract<{ link: { qboId: string } | null }>(
          "getRecord",
          await h.call("GET", `${s.base}/records/${ref}`),
          200,
        );
        expect(record.link?.qboId, ref).toBe(qboId);
      }
      // A likely one waits in Match review, never created meanwhile: it is the same HOA, accept it.
      const review = (await s.errors("?source=review&limit=100")).items;
      expect(review.map((e) => e.ref)).toEqual(["C:1070"]);
      expect(review[0]!.review).toMatchObject({ qboName: "Pine Ridge HOA" });
      await s.fix(review[0]!.id, "accept-match");

      // The article's case: QBO's "Acme Plumbing Inc" and the app's "Acme Plumbing, Inc." are one
      // business (same name once punctuation and "Inc" are set aside, same phone). It is linked to QBO's
      // record instead of being created again, so there is nothing to merge by hand in QuickBooks.
      const qbo = h.realm().list("Customer");
      const acmes = qbo.filter((c) => /^acme/i.test(String(c["DisplayName"])));
      expect(acmes.map((c) => c["Id"])).toEqual(["201"]);
      await s.expectCleanSync();

      const acme = expectContract<{ link: { qboId: string } | null }>(
        "getRecord",
        await h.call("GET", `${s.base}/records/C:1050`),
        200,
      );
      expect(acme.link?.qboId).toBe("201");
      const pine = expectContract<{ link: { qboId: string } | null }>(
        "getRecord",
        await h.call("GET", `${s.base}/records/C:1070`),
        200,
      );
      expect(pine.link?.qboId).toBe("214");
      // No second copy of any of them in QBO: the five it had, each linked once.
      expect(h.realm().list("Customer")).toHaveLength(5);
    });

    it("invoices wait for the scheduled overnight batch; Sync Now sends them at once", async () => {
      h = await startApiHarness(database, {
        seed: { realms: [{ preferences: { SalesFormsPrefs: { CustomTxnNumbers: true } } }] },
      });
      const s = scenarioSteps(h);
      // Submit a nightly schedule: 02:00 in the company's time zone.
      const saved = await h.call("PUT", `${s.base}/connection`, {
        enabled: true,
        settings: { schedule: { mode: "daily", dailyAt: "02:00", timeZone: "America/Chicago" } },
      });
      expect(saved.status).toBe(200);
      await h.put("item", [
        { id: "labor", name: "Labor", type: "Service", unitPrice: "95.00", incomeAccount: "Services" },
      ]);
      await h.put("customer", [{ id: "1", displayName: "Summit Dental" }]);
      let now = new Date("2026-11-21T15:00:00Z");
      const clock: Clock = { now: () => now };
      const scheduler = new Scheduler({
        store: h.store,
        clock,
        runScheduled: async (companyId) => {
          const { runId } = await h.syncService.start(companyId, { trigger: "schedule" });
          await h.syncService.whenIdle(companyId);
          return runId;
        },
      });
      expect(await scheduler.tick()).toEqual([]); // the schedule starts counting; nothing runs in the day

      // A new invoice in the afternoon is not in QBO in real time: it waits, ready, in the queue.
      await h.put("invoice", [
        {
          id: "9",
          docNumber: "A-9",
          customerId: "1",
          txnDate: "2026-11-21",
          lines: [{ itemId: "labor", qty: "1", unitPrice: "95.00" }],
        },
      ]);
      now = new Date("2026-11-21T18:00:00Z");
      expect(await scheduler.tick()).toEqual([]);
      expect(h.realm().list("Invoice")).toHaveLength(0);
      const queue = expectContract<{ items: { ref: string; state: string }[] }>(
        "listQueue",
        await h.call("GET", `${s.base}/queue?limit=100`),
        200,
      );
      expect(queue.items.find((i) => i.ref === "INV:9")).toMatchObject({ state: "ready" });

      // Overnight (02:00 Chicago = 08:00Z) the batch goes: the invoice is in QBO the next morning.
      now = new Date("2026-11-22T08:00:30Z");
      expect(await scheduler.tick()).toEqual([h.company]);
      expect(
        h
          .realm()
          .list("Invoice")
          .map((i) => i["DocNumber"]),
      ).toEqual(["A-9"]);
      const runs = expectContract<{ items: { trigger: string; status: string }[] }>(
        "listRuns",
        await h.call("GET", `${s.base}/runs`),
        200,
      );
      expect(runs.items[0]).toMatchObject({ trigger: "schedule", status: "succeeded" });

      // An urgent one: Sync Now bypasses the wait.
      await h.put("invoice", [
        {
          id: "10",
          docNumber: "A-10",
          customerId: "1",
          txnDate: "2026-11-22",
          lines: [{ itemId: "labor", qty: "2", unitPrice: "95.00" }],
        },
      ]);
      const run = await s.expectCleanSync();
      expect(run.trigger).toBe("manual");
      expect(
        h
          .realm()
          .list("Invoice")
          .map((i) => i["DocNumber"])
          .sort(),
      ).toEqual(["A-10", "A-9"]);
    });
  },
);
