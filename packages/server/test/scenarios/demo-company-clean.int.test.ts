import type { ErrorItemDto } from "@ledgerlink/core";
import { demoCompanySeed } from "@ledgerlink/emulator";
import { testDatabases } from "@ledgerlink/store";
import { afterAll, describe, expect, it } from "vitest";
import { loadDemoData } from "../../src/demo/load-demo-data.js";
import { startApiHarness, type ApiHarness } from "../api-harness.js";
import { scenarioSteps } from "./scenario-steps.js";

/**
 * The whole demo company (`npm start`): the QBO half as the emulator's seed, the app half generated
 * and ingested, the first Sync Now, then the fixes the demo suggests, in the order it prints them
 * (docs/first-sync.md and docs/fixing-errors.md walk the same path). It must end clean: every record
 * in QBO once, nothing blocked, no open problem in the Errors view or the report.
 */
describe.each(testDatabases().filter((d) => d.dialect === "sqlite"))(
  "the demo company ends clean after the suggested fixes ($dialect)",
  (database) => {
    let h: ApiHarness;
    afterAll(() => h?.close());

    it(
      "first sync, the suggested fixes, a clean sync and an empty report",
      { timeout: 240_000 },
      async () => {
        // QBO time (and with it the client's limits) runs 30 times faster: 2,000 invoices in seconds.
        h = await startApiHarness(database, { seed: demoCompanySeed, timeScale: 30 });
        const s = scenarioSteps(h);
        const loaded = await loadDemoData(h.store.company(h.company));
        expect(loaded).toMatchObject({ items: 40, invoices: 2000 });

        const first = await s.syncNow();
        expect(first.counts["created"]).toBeGreaterThan(3000);
        const blockedFirst = first.counts["blocked"]!;
        expect(blockedFirst).toBeGreaterThan(10);
        const titles = (await s.errors()).groups.map((g) => g.title);
        for (const family of [
          "Duplicates",
          "Mapping (items and accounts)",
          "Inactive or missing records",
          "Closed books",
        ])
          expect(titles).toContain(family);

        // Seed 001: Acme Plumbing, Inc. is linked to QBO's "Acme Plumbing Inc" (same name once "Inc" and
        // the comma are set aside, same phone), not created again: nothing to merge in QuickBooks.
        const acme = (await h.call<{ link: { qboId: string } | null }>("GET", `${s.base}/records/C:1050`))
          .body;
        expect(acme.link?.qboId).toBe("201");
        // 1. Big Duplicating Co. (seed 000): QBO has the same name but another email, so it is held back as
        //    a name clash; it is the same customer, link it.
        const bigDup = await s.problem("C:1042", "duplicate");
        expect(bigDup.source).toBe("preflight");
        await s.fix(bigDup.id, "link", s.offered(bigDup, "link").params);
        // 2. The Maple Street site, John Smith ("Smith, John" in QBO), and Harbor Dental and Coastal Bakery
        //    (QBO's inactive copies): the same names with nothing against them wait in match review
        //    rather than being created twice. They are the same customers: link them.
        for (const ref of ["C:1054", "C:1055", "C:1052", "C:1053", "C:1062"]) {
          const p = await s.problem(ref, "duplicate");
          expect(p.source, ref).toBe("review");
          await s.fix(p.id, "accept-match", s.offered(p, "accept-match").params);
        }
        // 3. Rivera Landscaping (a supplier), Dana Lee (an employee), Smith Plumbing (another business):
        //    different customers, take the first rename proposed.
        for (const ref of ["C:1056", "C:1057", "C:1058"]) {
          const p = await s.problem(ref, "duplicate");
          const rename = s.offered(p, "rename");
          expect(rename.params["value"]).not.toBe(p.recordName);
          await s.fix(p.id, "rename", rename.params);
        }
        // 4. Service items without an income account: use the one QuickBooks suggests.
        for (const ref of ["ITEM:inspection", "ITEM:warranty"]) {
          const p = await s.problem(ref, "mapping");
          await s.fix(p.id, "map-account", s.offered(p, "map-account").params);
        }
        // 5. Closed books: move the three December invoices to the first open day.
        for (const ref of ["INV:INV-00017", "INV:INV-00018", "INV:INV-00019"]) {
          const p = await s.problem(ref, "closed-period");
          await s.fix(p.id, "change-date", s.offered(p, "change-date").params);
        }
        // 6. Invoice numbers QBO already uses: 20101 was typed in by hand (link it), 20417 is a credit memo's.
        const handmade = await s.problem("INV:INV-00101", "duplicate");
        await s.fix(handmade.id, "link", s.offered(handmade, "link").params);
        const creditMemo = await s.problem("INV:INV-00417", "duplicate");
        await s.fix(creditMemo.id, "renumber", s.offered(creditMemo, "renumber").params);
        // Sync again: what the fixes unblocked goes out; follow-ups appear (inactive references, and Acme's
        // hand-typed invoice 1002 and card payment already in QBO under the customer it is linked to).
        for (let round = 0; round < 4; round++) {
          await s.syncNow();
          const open = (await s.errors()).items.filter((e) => e.severity === "blocks");
          if (open.length === 0) break;
          for (const p of open) await s.fix(p.id, ...followUp(p));
        }
        await s.expectCleanSync();

        // Every app record is in QBO once; QBO's hand-typed twins were linked, not duplicated.
        const qbo = h.realm();
        expect(
          qbo.list("Customer").filter((c) => /^acme plumbing/i.test(String(c["DisplayName"]))),
        ).toHaveLength(1);
        expect(
          qbo.list("Customer").filter((c) => /^big duplicating/i.test(String(c["DisplayName"]))),
        ).toHaveLength(1);
        expect(qbo.list("Invoice").filter((i) => i["DocNumber"] === "20101")).toHaveLength(1);
        expect(qbo.list("Invoice").filter((i) => i["DocNumber"] === "1002")).toHaveLength(1);
        expect(qbo.list("Payment").filter((p) => p["PaymentRefNum"] === "ch_1002")).toHaveLength(1);
        expect(qbo.list("Invoice")).toHaveLength(2000 + 1); // the app's 2,000 and the office's own 1001
        expect(qbo.get("Customer", "204")).toMatchObject({ Active: true });
      },
    );
  },
);

/** The fix for what the first fixes uncover: reactivate what an invoice needs, link the duplicate payment or invoice. */
function followUp(p: ErrorItemDto): [string, Record<string, unknown>] {
  const pick = (action: string) => {
    const f = p.fixes.find((x) => x.action === action);
    return f ? ([action, f.params] as [string, Record<string, unknown>]) : undefined;
  };
  const chosen =
    (p.category === "inactive-or-missing" ? pick("reactivate") : undefined) ??
    (p.category === "duplicate" ? pick("link") : undefined);
  if (!chosen)
    throw new Error(`unexpected problem after the suggested fixes: ${p.ref} ${p.category}: ${p.message}`);
  return chosen;
}
