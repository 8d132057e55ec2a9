import type { EmulatorSeed } from "@ledgerlink/emulator";
import { testDatabases } from "@ledgerlink/store";
import { afterEach, describe, expect, it } from "vitest";
import { expectContract, startApiHarness, type ApiHarness } from "../api-harness.js";
import { scenarioSteps } from "./scenario-steps.js";

const labor = (qty = 1) => ({
  DetailType: "SalesItemLineDetail",
  SalesItemLineDetail: { ItemRef: { value: "100" }, Qty: qty, UnitPrice: 95 },
});

/** A QBO company typed in by hand: one service item (Labor, Id 100) and whatever the family needs. */
function qboCompany(
  entities: NonNullable<EmulatorSeed["realms"][number]["entities"]>,
  more = {},
): EmulatorSeed {
  return {
    realms: [
      {
        preferences: { SalesFormsPrefs: { CustomTxnNumbers: true } },
        ...more,
        entities: {
          Item: [
            { Id: "100", Name: "Labor", Type: "Service", UnitPrice: 95, IncomeAccountRef: { value: "5" } },
          ],
          ...entities,
        },
      },
    ],
  };
}

const appLabor = {
  id: "labor",
  name: "Labor",
  type: "Service",
  unitPrice: "95.00",
  incomeAccount: "Services",
};
const invoice = (id: string, customerId: string, more: Record<string, unknown> = {}) => ({
  id,
  docNumber: `A-${id}`,
  customerId,
  txnDate: "2026-06-02",
  lines: [{ itemId: "labor", qty: "1", unitPrice: "95.00" }],
  ...more,
});

/**
 * Seed article 002: the five families of sync errors (and closed books), one test each, as office
 * staff meet them: Sync Now, the Errors view groups the problem under its family with QuickBooks'
 * rule and the fixes, a fix is pressed, and the next Sync Now is clean with an empty report.
 */
describe.each(testDatabases().filter((d) => d.dialect === "sqlite"))(
  "seed 002: the error families ($dialect)",
  (database) => {
    let h: ApiHarness;
    afterEach(() => h?.close());
    const scene = async (seed: EmulatorSeed) => {
      h = await startApiHarness(database, { seed });
      return scenarioSteps(h);
    };

    it("duplicates: an invoice number a credit memo holds, an invoice typed in by hand, a payment another integration recorded", async () => {
      const s = await scene(
        qboCompany({
          Customer: [
            {
              Id: "201",
              DisplayName: "Acme Plumbing Inc",
              PrimaryEmailAddr: { Address: "ap@acme.example" },
              PrimaryPhone: { FreeFormNumber: "(555) 010-2000" },
            },
          ],
          Invoice: [
            {
              Id: "501",
              DocNumber: "20101",
              TxnDate: "2026-06-02",
              CustomerRef: { value: "201" },
              Line: [labor()],
            },
          ],
          CreditMemo: [
            {
              Id: "700",
              DocNumber: "20417",
              TxnDate: "2026-03-02",
              CustomerRef: { value: "201" },
              Line: [labor()],
            },
          ],
          Payment: [
            {
              Id: "600",
              TxnDate: "2026-06-10",
              CustomerRef: { value: "201" },
              TotalAmt: 95,
              PaymentRefNum: "ch_20101",
              Line: [{ Amount: 95, LinkedTxn: [{ TxnId: "501", TxnType: "Invoice" }] }],
            },
          ],
        }),
      );
      await h.put("item", [appLabor]);
      await h.put("customer", [
        { id: "1050", displayName: "Acme Plumbing Inc", email: "ap@acme.example", phone: "555-010-2000" },
      ]);
      await h.put("invoice", [
        invoice("101", "1050", { docNumber: "20101" }),
        invoice("417", "1050", { docNumber: "20417" }),
      ]);
      await h.put("payment", [
        {
          id: "P1",
          customerId: "1050",
          amount: "95.00",
          txnDate: "2026-06-10",
          reference: "ch_20101",
          appliedTo: [{ invoiceId: "101", amount: "95.00" }],
        },
      ]);
      await s.syncNow();
      const groups = (await s.errors()).groups.map((g) => g.title);
      expect(groups).toContain("Duplicates");

      // The credit memo's number: give the invoice the number the fix proposes.
      const taken = await s.problem("INV:417", "duplicate");
      expect(taken.message).toMatch(/credit memo/);
      const renumber = s.offered(taken, "renumber");
      await s.fix(taken.id, "renumber", { value: renumber.params["value"]! });

      // Typed in by hand from the app's printout: it is the same invoice, link it instead of sending it.
      const handmade = await s.problem("INV:101", "duplicate");
      expect(handmade.message).toMatch(/by hand/);
      await s.fix(handmade.id, "link", s.offered(handmade, "link").params);

      // Now that its invoice is linked, the payment shows up as the card processor's own copy.
      await s.syncNow();
      const paid = await s.problem("PMT:P1", "duplicate");
      await s.fix(paid.id, "link", s.offered(paid, "link").params);

      await s.expectCleanSync();
      expect(h.realm().list("Payment")).toHaveLength(1);
      expect(
        h
          .realm()
          .list("Invoice")
          .map((i) => i["DocNumber"])
          .sort(),
      ).toEqual(["20101", String(renumber.params["value"])].sort());
    });

    it("mapping: a Service item the app keeps without an income account", async () => {
      const s = await scene(qboCompany({}));
      await h.put("item", [
        appLabor,
        { id: "inspection", name: "Annual Inspection", type: "Service", unitPrice: "149.00" },
      ]);
      await h.put("customer", [{ id: "1", displayName: "Prairie Dental" }]);
      await h.put("invoice", [
        invoice("1", "1", { lines: [{ itemId: "inspection", qty: "1", unitPrice: "149.00" }] }),
      ]);
      await s.syncNow();
      const problem = await s.problem("ITEM:inspection", "mapping");
      expect(problem.field).toBe("incomeAccount");
      const account = s.offered(problem, "map-account");
      await s.fix(problem.id, "map-account", account.params);
      await s.expectCleanSync();
      const item = h
        .realm()
        .list("Item")
        .find((i) => i["Name"] === "Annual Inspection")!;
      expect(item["IncomeAccountRef"]).toBeDefined();
    });

    it("inactive or missing: a customer and an item made inactive in QBO are reactivated", async () => {
      const s = await scene(
        qboCompany({
          Item: [
            { Id: "100", Name: "Labor", Type: "Service", UnitPrice: 95, IncomeAccountRef: { value: "5" } },
            { Id: "102", Name: "Old Valve", Type: "NonInventory", UnitPrice: 30, Active: false },
          ],
          Customer: [{ Id: "204", DisplayName: "Harbor Dental", Active: false }],
        }),
      );
      await h.put("item", [
        appLabor,
        { id: "old-valve", name: "Old Valve", type: "NonInventory", unitPrice: "30.00" },
      ]);
      await h.put("customer", [{ id: "1053", displayName: "Harbor Dental" }]);
      await h.put("invoice", [
        invoice("1", "1053", { lines: [{ itemId: "old-valve", qty: "1", unitPrice: "30.00" }] }),
      ]);
      await s.syncNow();
      // QBO's inactive customer has the same name and nothing else to compare: it waits in match review
      // rather than being created twice. It is the same one: link them...
      const held = await s.problem("C:1053", "duplicate");
      expect(held.review).toMatchObject({ qboId: "204" });
      await s.fix(held.id, "accept-match", s.offered(held, "accept-match").params);
      await s.syncNow();
      // ...then the invoice cannot go to an inactive customer, nor use an inactive item: reactivate both.
      const inactive = (await s.errors("?ref=INV:1&limit=50")).items.filter(
        (e) => e.category === "inactive-or-missing",
      );
      expect(inactive.length).toBeGreaterThanOrEqual(1);
      for (let round = 0; round < 3; round++) {
        const open = (await s.errors("?ref=INV:1&limit=50")).items.filter(
          (e) => e.category === "inactive-or-missing",
        );
        if (open.length === 0) break;
        const problem = open[0]!;
        await s.fix(problem.id, "reactivate", s.offered(problem, "reactivate").params);
        await s.syncNow();
      }
      await s.expectCleanSync();
      expect(h.realm().get("Customer", "204")).toMatchObject({ Active: true });
      expect(h.realm().get("Item", "102")).toMatchObject({ Active: true });
    });

    it("invalid characters and lengths: a colon, doubled spaces and a 25-character number, fixed by hand with auto-repair off", async () => {
      const s = await scene(qboCompany({}));
      const saved = await h.call("PUT", `${s.base}/connection`, {
        enabled: true,
        settings: { autoRepair: { trimSpaces: false, replaceCharacters: false, shortenDocNumbers: false } },
      });
      expect(saved.status).toBe(200);
      await h.put("item", [appLabor]);
      await h.put("customer", [
        { id: "1063", displayName: "Nguyen: Kitchen Remodel" },
        { id: "1064", displayName: "Lakeside   Dental " },
      ]);
      await h.put("invoice", [invoice("16", "1064", { docNumber: "WO-2026-000123-REV2-FINAL" })]);
      await s.syncNow();
      expect((await s.errors()).groups.map((g) => g.title)).toContain("Invalid characters and lengths");
      for (const [ref, action] of [
        ["C:1063", "replace-characters"],
        ["C:1064", "trim-spaces"],
        ["INV:16", "shorten-docnumber"],
      ] as const) {
        const problem = await s.problem(ref, "invalid-data");
        await s.fix(problem.id, action, s.offered(problem, action).params);
      }
      await s.expectCleanSync();
      const names = h
        .realm()
        .list("Customer")
        .map((c) => c["DisplayName"]);
      expect(names.some((n) => String(n).includes(":"))).toBe(false);
      expect(String(h.realm().list("Invoice")[0]!["DocNumber"]).length).toBeLessThanOrEqual(21);
    });

    it("connection and API failures: a revoked grant is reconnected, a QBO outage is retried with Sync Now", async () => {
      const s = await scene(qboCompany({}));
      await h.put("item", [appLabor]);
      await h.put("customer", [{ id: "1", displayName: "Redbird Diner" }]);
      await s.syncNow();
      // The authorization was revoked in QBO: Sync Now says to reconnect, nothing is lost.
      h.realm().revokeTokens();
      const refused = expectContract<{ error: { code: string } }>(
        "startRun",
        await h.call("POST", `${s.base}/runs`),
        409,
      );
      expect(refused.error.code).toBe("needs_reconnect");
      expect((await h.call<{ state: string }>("GET", `${s.base}/connection`)).body.state).toBe(
        "needs-reconnect",
      );
      // Reconnect: Connect, consent at Intuit (the emulator's page), back to the callback.
      const connect = await h.call<{ authorizeUrl: string }>("POST", `${s.base}/connection/connect`);
      expect(connect.status).toBe(200);
      const cookie = connect.headers.get("set-cookie")!.split(";")[0]!;
      const consent = await fetch(connect.body.authorizeUrl, { redirect: "manual" });
      const callback = new URL(consent.headers.get("location")!);
      await h.call("GET", `${callback.pathname}${callback.search}`, undefined, { cookie });
      expect((await h.call<{ state: string }>("GET", `${s.base}/connection`)).body.state).toBe("connected");

      // QBO is down while the next customer goes out: the run records it, Sync Now later sends it.
      await h.put("customer", [{ id: "2", displayName: "Capitol Fitness" }]);
      h.realm().injectFault({ kind: "503", times: 20, pathIncludes: "/customer" });
      h.realm().injectFault({ kind: "503", times: 20, pathIncludes: "/batch" });
      const failed = await s.syncNow();
      // QBO answered 503 to every try: the run failed and the customer waits, sent at most once later.
      expect(failed.status).toBe("failed");
      expect(failed.byEntity["Customer"]).toMatchObject({ pending: 1 });
      expect(
        h
          .realm()
          .list("Customer")
          .map((c) => c["DisplayName"]),
      ).not.toContain("Capitol Fitness");
      h.realm().clearFaults();
      await s.expectCleanSync();
      expect(
        h
          .realm()
          .list("Customer")
          .map((c) => c["DisplayName"]),
      ).toContain("Capitol Fitness");
    });

    it("closed books: an invoice dated before the closing date is moved to the first open day", async () => {
      const s = await scene(qboCompany({}, { closingDate: "2025-12-31" }));
      await h.put("item", [appLabor]);
      await h.put("customer", [{ id: "1", displayName: "Golden Motel" }]);
      await h.put("invoice", [invoice("17", "1", { txnDate: "2025-12-18" })]);
      await s.syncNow();
      const problem = await s.problem("INV:17", "closed-period");
      expect((await s.errors()).groups.map((g) => g.title)).toContain("Closed books");
      const change = s.offered(problem, "change-date");
      expect(change.params["value"]).toBe("2026-01-01");
      await s.fix(problem.id, "change-date", change.params);
      await s.expectCleanSync();
      expect(h.realm().list("Invoice")[0]).toMatchObject({ TxnDate: "2026-01-01" });
    });
  },
);
