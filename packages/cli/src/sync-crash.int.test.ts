import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createEmulator } from "@ledgerlink/emulator";
import { ingestRecords } from "@ledgerlink/server";
import { openStore } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKillable, seededRandom } from "../../../bench/kill-runner.js";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/**
 * 2,000 records: 100 items, 1,200 customers (100 parents with one site each) and 700 invoices, so a run
 * has dependency levels (parents → sites → invoices) for the kills to land between.
 */
function dataset() {
  const items = Array.from({ length: 100 }, (_, i) => ({
    id: `i${i}`,
    name: `Part ${i}`,
    type: "NonInventory",
    unitPrice: `${10 + i}.25`,
  }));
  const customers = Array.from({ length: 1200 }, (_, i) =>
    i >= 1100
      ? {
          id: `c${i}`,
          parentId: `c${i - 1100}`,
          displayName: `Site ${i} of Customer ${i - 1100}`,
          active: true,
        }
      : { id: `c${i}`, displayName: `Customer ${i}`, email: `ap${i}@example.test`, active: true },
  );
  const invoices = Array.from({ length: 700 }, (_, i) => ({
    id: `n${i}`,
    docNumber: `K-${i}`,
    customerId: `c${(i * 7) % 1200}`,
    txnDate: "2026-11-02",
    lines: [{ itemId: `i${i % 100}`, qty: "2", unitPrice: `${10 + (i % 100)}.25` }],
  }));
  return { items, customers, invoices };
}

describe("a runner killed with SIGKILL at random points resumes with no duplicate and nothing lost", () => {
  // Real time (CDC checkpoints compare our clock with QBO's), with QBO's throttle lifted: this test is
  // about crashes, and every restarted runner would otherwise wait out the same minute window.
  const emu = createEmulator({ limits: { requestsPerMinute: 1_000_000, batchPerMinute: 1_000_000 } });
  let server: Awaited<ReturnType<typeof emu.listen>>;
  const dbUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), "ledgerlink-crash-")), "ll.db")}`;
  let env: NodeJS.ProcessEnv;
  const realm = () => emu.realm(emu.defaultRealmId);
  const writes = () => realm().requestLog.filter((r) => r.method !== "GET").length;

  beforeAll(async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does)`);
    server = await emu.listen({ port: 0, host: "127.0.0.1" });
    realm().setPreferences({ SalesFormsPrefs: { CustomTxnNumbers: true } });
    env = {
      ...process.env,
      DATABASE_URL: dbUrl,
      QBO_BASE_URL: server.url,
      LEDGERLINK_COMPANY: "acme",
      LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 5).toString("base64"),
    };
    const store = await openStore({ url: dbUrl });
    try {
      await store.ensureCompany("acme", "Acme");
      const company = store.company("acme");
      const at = new Date().toISOString();
      const { items, customers, invoices } = dataset();
      for (const [kind, rows] of [
        ["item", items],
        ["customer", customers],
        ["invoice", invoices],
      ] as const) {
        const r = await ingestRecords(company, kind, rows, at);
        expect(r.rejected).toEqual([]);
      }
    } finally {
      await store.close();
    }
  });
  afterAll(() => server?.close());

  /** Starts `ledgerlink sync`; resolves with its exit code, or kills it once QBO has seen `killAt` writes. */
  const runner = (killAt?: number) =>
    runKillable({
      script: bin,
      args: ["sync"],
      env,
      ...(killAt === undefined ? {} : { killWhen: () => writes() >= killAt }),
    });

  it("kills the runner at 20+ random points across a run of 2,000 records; the final state is exact", async () => {
    const random = seededRandom(20261121);
    let kills = 0;
    let finished = false;
    for (let attempt = 0; attempt < 80 && kills < 24; attempt++) {
      const killAt = writes() + 1 + Math.floor(random() * 6);
      const r = await runner(killAt);
      if (r.killedMidRun) kills++;
      else {
        expect(r.stderr).toBe("");
        finished = true;
        break;
      }
    }
    expect(kills).toBeGreaterThanOrEqual(20);

    // Let the last runner finish the work (and a second one prove there is nothing left).
    if (!finished) {
      const last = await runner();
      expect(last.stderr).toBe("");
      expect(last.code, last.stderr + last.stdout.slice(-3000)).toBe(0);
    }
    const before = writes();
    const again = await runner();
    expect(again.code, again.stderr + again.stdout.slice(-3000)).toBe(0);
    expect(writes()).toBe(before);

    // QBO holds every record exactly once.
    const { items, customers, invoices } = dataset();
    const count = (list: Record<string, unknown>[], key: string) => {
      const m = new Map<string, number>();
      for (const o of list) m.set(String(o[key]), (m.get(String(o[key])) ?? 0) + 1);
      return m;
    };
    const qboCustomers = count(realm().list("Customer"), "DisplayName");
    const qboItems = count(realm().list("Item"), "Name");
    const qboInvoices = count(realm().list("Invoice"), "DocNumber");
    for (const c of customers) expect(qboCustomers.get(c.displayName), c.displayName).toBe(1);
    for (const i of items) expect(qboItems.get(i.name), i.name).toBe(1);
    for (const n of invoices) expect(qboInvoices.get(n.docNumber), n.docNumber).toBe(1);
    expect(realm().list("Customer")).toHaveLength(customers.length);
    expect(realm().list("Invoice")).toHaveLength(invoices.length);

    // The store links each record to its QBO twin, and sites sit under their parents.
    const store = await openStore({ url: dbUrl });
    try {
      const links = await store.company("acme").sync.listLinks();
      expect(links.size).toBe(2000);
      const byName = new Map(
        realm()
          .list("Customer")
          .map((c) => [String(c["DisplayName"]), c]),
      );
      for (const c of customers) {
        const q = byName.get(c.displayName)!;
        expect(links.get(`C:${c.id}`)?.qboId).toBe(q["Id"]);
        if ("parentId" in c)
          expect(q["ParentRef"]).toMatchObject({ value: links.get(`C:${c.parentId}`)!.qboId });
      }
    } finally {
      await store.close();
    }

    // The evidence of how: some requestids reached QBO more than once and were answered from its cache.
    const seen = new Map<string, number>();
    for (const r of realm().requestLog)
      if (r.requestid) seen.set(r.requestid, (seen.get(r.requestid) ?? 0) + 1);
    const replayed = [...seen.values()].filter((n) => n > 1).length;
    console.log(`crash test: ${kills} kills mid-run, ${writes()} writes, ${replayed} requestids replayed`);
    expect(replayed).toBeGreaterThan(0);
  }, 600_000);
});
