import { systemClock } from "@ledgerlink/core";
import { testDatabases, type Store } from "@ledgerlink/store";
import { beforeEach, describe, expect, it } from "vitest";
import { emulatorSyncWorld } from "../test/emulator-sync-world.js";
import { runCompanySync } from "./company-sync.js";
import { ingestRecords } from "./ingest-records.js";

/**
 * An invoice needs a customer and an item, and QBO refuses both at the same time, in two lanes: the
 * invoice is failed once, for the first of them, and the run accounts for each record exactly once.
 * (Each refusal releases the invoice; the second must find it already failed.)
 */
describe.each(testDatabases())("a record whose needs QBO refuses together ($dialect)", (database) => {
  const w = emulatorSyncWorld(database);
  const { realm, company } = w;
  let store: Store;
  beforeEach(() => {
    store = w.store;
  });

  it("fails the invoice once when its customer and its item are refused at the same time", async () => {
    const at = new Date().toISOString();
    const c = store.company(company);
    await ingestRecords(c, "item", [{ id: "svc", name: "Window cleaning", type: "NonInventory" }], at);
    await ingestRecords(c, "customer", [{ id: "c1", displayName: "Harbor Dental", active: true }], at);
    await ingestRecords(
      c,
      "invoice",
      [
        {
          id: "n1",
          docNumber: "F-1",
          customerId: "c1",
          txnDate: "2026-11-02",
          lines: [{ itemId: "svc", qty: "1", unitPrice: "10.00" }],
        },
      ],
      at,
    );
    // Someone types both names into QuickBooks after the plan was made, as the first write goes out.
    let typedIn = false;
    const client = w.client((input, init) => {
      if (!typedIn && init?.method === "POST") {
        typedIn = true;
        const income = realm()
          .list("Account")
          .find((a) => a["Name"] === "Services")!;
        realm().create("Customer", { DisplayName: "Harbor Dental" });
        realm().create("Item", {
          Name: "Window cleaning",
          Type: "NonInventory",
          IncomeAccountRef: { value: String(income["Id"]) },
        });
      }
      return fetch(input, init);
    });
    // The invoice's refusal is recorded slowly, so the second refusal arrives while it is being recorded.
    const slow = new Proxy(store, {
      get(target, name, receiver) {
        if (name !== "company") return Reflect.get(target, name, receiver) as unknown;
        return (id: string) => {
          const co = target.company(id);
          const sync = new Proxy(co.sync, {
            get(engine, key, r) {
              const value = Reflect.get(engine, key, r) as unknown;
              if (key !== "settleOps" || typeof value !== "function") return value;
              return async (answer: Parameters<typeof co.sync.settleOps>[0], at: string) => {
                if (answer.failed.some((f) => f.op.ref === "INV:n1"))
                  await new Promise((w) => setTimeout(w, 300));
                return co.sync.settleOps(answer, at);
              };
            },
          });
          return new Proxy(co, { get: (c2, key, r) => (key === "sync" ? sync : Reflect.get(c2, key, r)) });
        };
      },
    });
    const r = await runCompanySync({
      store: slow,
      companyId: company,
      client,
      clock: systemClock,
      // The customer and the item go out side by side, so both refusals come back together.
      batchLanes: 0,
      singleLanes: 2,
    });
    expect(typedIn).toBe(true);
    const failed = r.outcomes.filter((o) => o.outcome === "failed").map((o) => o.ref);
    expect(failed.sort()).toEqual(["C:c1", "INV:n1", "ITEM:svc"]);
    expect(r.run?.counts.failed).toBe(3);
    expect(r.run?.status).toBe("failed");
    const open = await c.listOpenErrors();
    expect(open.map((e) => e.ref).sort()).toEqual(["C:c1", "INV:n1", "ITEM:svc"]);
    expect(open.find((e) => e.ref === "INV:n1")?.message).toMatch(
      /^It needs (C:c1|ITEM:svc), which is not in QuickBooks/,
    );
    expect(realm().list("Invoice")).toEqual([]);
  });
});
