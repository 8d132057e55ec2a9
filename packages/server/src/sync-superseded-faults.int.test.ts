import { systemClock } from "@ledgerlink/core";
import { createQboClient } from "@ledgerlink/qbo";
import { testDatabases, type Store } from "@ledgerlink/store";
import { beforeEach, describe, expect, it } from "vitest";
import { emulatorSyncWorld } from "../test/emulator-sync-world.js";
import { runCompanySync } from "./company-sync.js";
import { ingestRecords } from "./ingest-records.js";

/**
 * A record refused by QBO at run time, then blocked before sending by a finding in a later run: the old
 * fault no longer describes it and must not stay open beside the finding. Found by the chaos run
 * (bench/chaos.ts): invoices refused while the grant was revoked kept an "auth — reconnect" problem after
 * the reconnect, once the closed books blocked them; and every invoice refused by the closed period
 * showed twice (QBO's refusal and the finding).
 */
describe.each(testDatabases())("a finding supersedes a record's old QBO fault ($dialect)", (database) => {
  const w = emulatorSyncWorld(database, { customTxnNumbers: true });
  const { emu, realm, company } = w;
  let store: Store;
  beforeEach(() => {
    store = w.store;
  });

  it("closing the books after a refusal leaves one open problem: the closed-period finding with its fix", async () => {
    const at = new Date().toISOString();
    const put = (kind: Parameters<typeof ingestRecords>[1], rows: unknown[]) =>
      ingestRecords(store.company(company), kind, rows, at);
    await put("item", [{ id: "svc", name: "Service", type: "NonInventory", unitPrice: "10.00" }]);
    await put("customer", [{ id: "c1", displayName: "Customer 1", active: true }]);
    const client = (retry: boolean) =>
      createQboClient({
        baseUrl: w.url,
        realmId: emu.defaultRealmId,
        getAccessToken: () => Promise.resolve(emu.issueAccessToken(emu.defaultRealmId)),
        ...(retry ? {} : { retry: false as const }),
      });
    const sync = (retry: boolean) =>
      runCompanySync({ store, companyId: company, client: client(retry), clock: systemClock });
    const open = async () =>
      (await store.company(company).api.problems.list({ ref: "INV:n1" }, { limit: 10 })).items;

    // Run 1: customer and item go through; QBO refuses the invoice (a 429 that is not retried).
    expect((await sync(true)).run?.counts.created).toBe(2);
    await put("invoice", [
      {
        id: "n1",
        docNumber: "Q-1",
        customerId: "c1",
        txnDate: "2026-01-15",
        lines: [{ itemId: "svc", qty: "1", unitPrice: "10.00" }],
      },
    ]);
    realm().injectFault({ kind: "429", probability: 1, pathIncludes: "/invoice" });
    const first = await sync(false);
    expect(first.run?.counts.failed).toBe(1);
    realm().clearFaults();
    expect((await open()).map((p) => [p.source, p.category])).toEqual([["qbo", "throttled"]]);

    // The books are closed through January before the next run: the invoice is now blocked before sending.
    realm().setClosingDate("2026-01-31");
    const second = await sync(true);
    expect(second.run?.counts.blocked).toBe(1);
    const problems = await open();
    expect(problems.map((p) => [p.source, p.category])).toEqual([["preflight", "closed-period"]]);
    expect(problems[0]!.fixes.length).toBeGreaterThan(0);

    // Reopened books: the invoice goes through and nothing is left open.
    realm().setClosingDate(null);
    expect((await sync(true)).run?.counts.created).toBe(1);
    expect(await open()).toEqual([]);
  }, 60_000);
});
