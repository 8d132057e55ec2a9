import {
  formatMoney,
  recordRef,
  showcaseRecords,
  showcaseSnapshot,
  systemClock,
  type RecordLink,
  type RecordRef,
} from "@ledgerlink/core";
import { createEmulator, type EmulatorSeed } from "@ledgerlink/emulator";
import { createQboClient } from "@ledgerlink/qbo";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCompanySync } from "./company-sync.js";
import { ingestRecords } from "./ingest-records.js";

const REALM = "9341450000000077";

/**
 * The validation showcase's QBO company (packages/core/src/validate/rule-showcase.ts) as an emulator
 * seed, Ids kept, so the showcase's links point at the same records.
 */
function showcaseSeed(): EmulatorSeed {
  const s = showcaseSnapshot();
  const money = (minor: number) => Number(formatMoney(minor));
  // The emulator's starter chart of accounts already has Accounts Receivable.
  const accounts = s.accounts
    .filter((a) => a.accountType !== "Accounts Receivable")
    .map((a) => {
      const parent = a.fullyQualifiedName.includes(":") ? a.fullyQualifiedName.split(":")[0] : undefined;
      return {
        Id: a.id,
        Name: a.name,
        AccountType: a.accountType,
        Active: a.active,
        ...(parent ? { SubAccount: true, ParentRef: { value: "19" } } : {}),
      };
    });
  return {
    realms: [
      {
        realmId: REALM,
        companyName: "Showcase",
        closingDate: s.closingDate!,
        preferences: { SalesFormsPrefs: { CustomTxnNumbers: s.preferences.customTxnNumbers } },
        entities: {
          Account: [{ Id: "19", Name: "Income", AccountType: "Income" }, ...accounts],
          // Tax codes cannot be written through QBO's API; the emulator has TAX and NON, so OLDTAX is missing.
          Item: s.items.map((i) => ({
            Id: i.id,
            Name: i.name,
            Type: i.type === "Inventory" ? "NonInventory" : i.type,
            Active: i.active,
            ...(i.sku ? { Sku: i.sku } : {}),
            ...(i.incomeAccountId ? { IncomeAccountRef: { value: i.incomeAccountId } } : {}),
          })),
          Customer: s.customers.map((c) => ({
            Id: c.id,
            DisplayName: c.displayName.replace(/ \(deleted\)$/, ""),
            Active: c.active,
            ...(c.parentId ? { ParentRef: { value: c.parentId }, Job: true } : {}),
          })),
          Vendor: s.vendors.map((v) => ({ Id: v.id, DisplayName: v.displayName, Active: v.active })),
          Employee: s.employees.map((e) => {
            const [given, family] = e.displayName.split(" ");
            return {
              Id: e.id,
              DisplayName: e.displayName,
              GivenName: given,
              FamilyName: family,
              Active: e.active,
            };
          }),
          Invoice: s.documents
            .filter((d) => d.type === "Invoice")
            .map((d) => ({
              Id: d.id,
              DocNumber: d.docNumber,
              TxnDate: d.txnDate,
              CustomerRef: { value: d.customerId },
              Line: [
                {
                  DetailType: "SalesItemLineDetail",
                  Amount: money(d.total),
                  SalesItemLineDetail: { ItemRef: { value: "10" }, Qty: 1, UnitPrice: money(d.total) },
                },
              ],
            })),
          CreditMemo: s.documents
            .filter((d) => d.type === "CreditMemo")
            .map((d) => ({
              Id: d.id,
              DocNumber: d.docNumber,
              TxnDate: d.txnDate,
              CustomerRef: { value: d.customerId },
              Line: [
                {
                  DetailType: "SalesItemLineDetail",
                  Amount: money(d.total),
                  SalesItemLineDetail: { ItemRef: { value: "10" }, Qty: 1, UnitPrice: money(d.total) },
                },
              ],
            })),
          Payment: [
            // Another integration's payment, and what brought invoice 1001 down to its 40.00 balance.
            ...s.payments.map((p) => ({
              Id: p.id,
              CustomerRef: { value: p.customerId },
              TotalAmt: money(p.total),
              TxnDate: p.txnDate,
              ...(p.reference ? { PaymentRefNum: p.reference } : {}),
            })),
            {
              Id: "601",
              CustomerRef: { value: "3" },
              TotalAmt: 60,
              TxnDate: "2025-01-20",
              Line: [{ Amount: 60, LinkedTxn: [{ TxnId: "500", TxnType: "Invoice" }] }],
            },
          ],
        },
      },
    ],
  };
}

describe.each(testDatabases())(
  "one record per validation rule, synced to the emulator ($dialect)",
  (database) => {
    let emu: ReturnType<typeof createEmulator>;
    let server: Awaited<ReturnType<ReturnType<typeof createEmulator>["listen"]>>;
    let store: Store;

    beforeAll(async () => {
      emu = createEmulator({ seed: showcaseSeed() });
      server = await emu.listen({ port: 0, host: "127.0.0.1" });
      store = await openStore(database.fresh());
      await store.ensureCompany("show", "Showcase");
    });
    afterAll(async () => {
      await store?.close();
      await server?.close();
    });

    it("sends nothing QBO refuses: blocked records are not sent, repaired ones succeed", async () => {
      const records = showcaseRecords();
      // The showcase holds parsed records (money in minor units); the app sends decimal strings.
      const money = (minor: number | undefined) => (minor === undefined ? undefined : formatMoney(minor));
      const asSent = {
        invoices: records.invoices?.map((d) => ({
          ...d,
          ...(d.total === undefined ? {} : { total: money(d.total) }),
          lines: d.lines.map((l) => ({
            ...l,
            ...(l.amount === undefined ? {} : { amount: money(l.amount) }),
          })),
        })),
        creditMemos: records.creditMemos?.map((d) => ({
          ...d,
          lines: d.lines.map((l) => ({
            ...l,
            ...(l.amount === undefined ? {} : { amount: money(l.amount) }),
          })),
        })),
        payments: records.payments?.map((p) => ({
          ...p,
          amount: money(p.amount),
          appliedTo: p.appliedTo.map((a) => ({ ...a, amount: money(a.amount) })),
        })),
      };
      const company = store.company("show");
      const at = new Date().toISOString();
      for (const [kind, rows] of [
        ["item", records.items],
        ["customer", records.customers],
        ["invoice", asSent.invoices],
        ["creditMemo", asSent.creditMemos],
        ["payment", asSent.payments],
      ] as const) {
        const r = await ingestRecords(company, kind, (rows ?? []) as unknown[], at);
        expect(r.rejected).toEqual([]);
      }
      // The links an earlier integration left (the showcase's), imported as they are.
      const links: RecordLink[] = [];
      const kinds = { customers: "customer", items: "item", invoices: "invoice" } as const;
      for (const [key, kind] of Object.entries(kinds)) {
        const taken = new Set<string>();
        for (const [localId, qboId] of records.links?.[key as keyof typeof kinds] ?? []) {
          // One QBO record ↔ one app record: the showcase's second link to customer 4 is not stored.
          if (taken.has(qboId)) continue;
          taken.add(qboId);
          links.push({
            ref: recordRef(kind, localId),
            qboId,
            syncToken: "0",
            fingerprint: "",
            lastSyncedAt: at,
          });
        }
      }
      await company.sync.saveLinks(links);

      const realm = emu.realm(REALM);
      const before = realm.requestLog.length;
      const client = createQboClient({
        baseUrl: server.url,
        realmId: REALM,
        getAccessToken: () => Promise.resolve(emu.issueAccessToken(REALM)),
      });
      const result = await runCompanySync({ store, companyId: "show", client, clock: systemClock });
      const sent = realm.requestLog.slice(before).filter((r) => r.method !== "GET");
      // Every write was accepted: no fault of any kind, at the call or item level.
      expect(realm.requestLog.slice(before).filter((r) => r.status >= 400)).toEqual([]);
      expect(result.outcomes.filter((o) => o.outcome === "failed")).toEqual([]);
      expect(sent.length).toBeGreaterThan(0);

      const action = (ref: string) => result.plan.steps.find((s) => s.ref === (ref as RecordRef))?.action;
      // Blocked ones were not sent…
      for (const ref of [
        "C:long",
        "C:handmade",
        "C:orphan",
        "C:d5",
        "C:vendor-name",
        "INV:closed",
        "INV:unmapped",
        "INV:dup-cm",
        "INV:same-doc",
        "CM:neg-cm",
        "PMT:over",
        "PMT:dup-pay",
      ])
        expect([ref, action(ref)]).toEqual([ref, "blocked"]);
      // …and repaired ones went through.
      for (const ref of ["C:spaces", "C:colon", "C:curly", "INV:longnum", "INV:rounding", "INV:good-inv"])
        expect([ref, result.outcomes.find((o) => o.ref === ref)?.outcome]).toEqual([ref, "created"]);
      expect(realm.list("Customer").some((c) => c["DisplayName"] === "Jones Bakery")).toBe(true);
      const repairs = (await company.listAudit(500)).filter((a) => a.action.startsWith("auto-repair:"));
      expect(repairs.map((a) => a.ref)).toEqual(
        expect.arrayContaining(["C:spaces", "C:colon", "INV:longnum", "INV:rounding"]),
      );
    });
  },
);
