import { mirroredObjectFrom } from "@ledgerlink/core";
import { Migrator, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrationProvider } from "./migrations/index.js";
import { openDatabase, type OpenDatabase } from "./open-database.js";
import { SearchStore } from "./search-store.js";
import { CompanyStore } from "./company-store.js";
import { testDatabases } from "./test-databases.js";

const at = "2026-11-01T00:00:00.000Z";
const surnames = ["Smith", "Ölberg", "O'Brien", "Straße", "Jones", "Ångström", "José", "Jose\u0301"];
const trades = ['"Quoted" Plumbing', "Heating 100%", "Dental_Care", "Bakery", "Auto Repair"];

/** Names that share words and trigrams, in several kinds, with ties, non-ASCII letters and LIKE's wildcards. */
async function seed(db: OpenDatabase, companyId: string, n: number): Promise<void> {
  const company = new CompanyStore(db.db, companyId);
  await company.upsertCustomers(
    Array.from({ length: n }, (_, i) => ({
      id: String(1000 + i),
      // Every 7th name repeats an earlier one: ties in the name order are broken by rowid.
      displayName: `${surnames[i % surnames.length]} ${trades[i % trades.length]} ${i % 7 === 0 ? 1 : i}`,
      active: true,
    })),
    at,
  );
  await company.upsertRecords(
    "item",
    Array.from({ length: n / 4 }, (_, i) => ({
      id: `i${i}`,
      name: `${trades[i % trades.length]} part ${i}`,
      type: "Service" as const,
      unitPrice: "1.00",
      active: true,
    })),
    at,
  );
  await company.qbo.upsertObjects(
    Array.from({ length: n / 2 }, (_, i) =>
      mirroredObjectFrom(i % 5 === 0 ? "Item" : "Customer", {
        Id: String(i + 1),
        SyncToken: "0",
        ...(i % 5 === 0
          ? { Name: `${trades[i % trades.length]} service ${i}` }
          : { DisplayName: `${surnames[(i * 3) % surnames.length]} & Sons ${i % 9 === 0 ? 2 : i}` }),
        Active: true,
        MetaData: { LastUpdatedTime: "2026-10-01T00:00:00Z" },
      }),
    ),
  );
  await company.deleteRecords("customer", ["1003", "1010"], at);
}

const queries = [
  "smith",
  "mith",
  "plumbing",
  '"quoted"',
  "0%",
  "100% ",
  "_care",
  "ölberg",
  "ÖLBERG",
  "straße",
  "strasse",
  "o'brien & sons",
  "ångström",
  "jose\u0301",
  "josé",
  "sons 2",
  "service 1",
  "part 1",
  "repair 1",
  "nobody is called this",
  "ons",
  "s 1",
];

describe.each(testDatabases())("smart search: names containing the text ($dialect)", (database) => {
  const open: OpenDatabase[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });
  const fresh = async () => {
    const o = await openDatabase(database.fresh());
    open.push(o);
    for (const id of ["acme", "other"])
      await o.db.insertInto("companies").values({ id, name: id, created_at: at }).execute();
    return o;
  };
  const page = async (s: SearchStore, q: string, limit = 20) => {
    const all = [];
    let cursor: string | undefined;
    do {
      const p = await s.search({ q, limit, ...(cursor === undefined ? {} : { cursor }) });
      all.push(...p.items);
      cursor = p.nextCursor ?? undefined;
    } while (cursor !== undefined && all.length < 120);
    return all;
  };

  it("finds through the trigram index exactly what the scan of the names finds, in the same order", async () => {
    const o = await fresh();
    await seed(o, "acme", 2000);
    await seed(o, "other", 400);
    const indexed = new SearchStore(o.db, "acme");
    const scanned = new SearchStore(o.db, "acme", { trigramCandidates: 0 });
    let contains = 0;
    for (const q of queries)
      for (const limit of [7, 40]) {
        const a = await page(indexed, q, limit);
        expect(a, `"${q}" limit ${limit}`).toEqual(await page(scanned, q, limit));
        contains += a.filter((h) => h.rank === "contains").length;
      }
    // The comparison means something only if "contains" found things.
    expect(contains).toBeGreaterThan(500);
    const plumbing = await indexed.search({ q: "plumbing", limit: 100 });
    expect(plumbing.items.filter((h) => h.rank === "contains").length).toBe(100);
    expect(await page(indexed, "nobody is called this")).toEqual([]);
  });

  it("follows inserts, renames and deletes of records and of the QBO mirror", async () => {
    const o = await fresh();
    const company = new CompanyStore(o.db, "acme");
    const s = new SearchStore(o.db, "acme");
    const names = async (q: string) => (await s.search({ q, limit: 50 })).items.map((h) => h.name);
    await company.upsertCustomers([{ id: "1", displayName: "Alpha Zebracorn", active: true }], at);
    expect(await names("zebracorn")).toEqual(["Alpha Zebracorn"]);
    await company.upsertCustomers([{ id: "1", displayName: "Alpha Unicorn", active: true }], at);
    expect(await names("zebracorn")).toEqual([]);
    expect(await names("unicorn")).toEqual(["Alpha Unicorn"]);
    // A change that keeps the name keeps it findable.
    await company.upsertCustomers(
      [{ id: "1", displayName: "Alpha Unicorn", email: "a@b.example", active: true }],
      at,
    );
    expect(await names("unicorn")).toEqual(["Alpha Unicorn"]);
    await company.deleteRecords("customer", ["1"], at);
    expect(await names("unicorn")).toEqual([]);
    // Revived (sent again after a delete), and after a hard delete a new row (which may reuse the rowid).
    await company.upsertCustomers([{ id: "1", displayName: "Alpha Unicorn", active: true }], at);
    expect(await names("unicorn")).toEqual(["Alpha Unicorn"]);
    await o.db.deleteFrom("records").where("company_id", "=", "acme").execute();
    expect(await names("unicorn")).toEqual([]);
    await company.upsertCustomers([{ id: "2", displayName: "Beta Unicorn", active: true }], at);
    expect(await names("unicorn")).toEqual(["Beta Unicorn"]);

    const mirror = (name: Record<string, string>) =>
      company.qbo.upsertObjects([
        mirroredObjectFrom("Customer", {
          Id: "9",
          SyncToken: "0",
          ...name,
          Active: true,
          MetaData: { LastUpdatedTime: "2026-10-01T00:00:00Z" },
        }),
      ]);
    await mirror({ DisplayName: "Gamma Narwhalery" });
    expect(await names("narwhal")).toEqual(["Gamma Narwhalery"]);
    await mirror({ DisplayName: "Gamma Walrusery" });
    expect(await names("narwhal")).toEqual([]);
    expect(await names("walrus")).toEqual(["Gamma Walrusery"]);
  });

  it("finds names stored before the trigram index existed, and after a VACUUM", async () => {
    const config = database.fresh();
    const o = await openDatabase({ ...config, migrate: false });
    open.push(o);
    await new Migrator({
      db: o.db,
      provider: migrationProvider,
      ...(config.schema === undefined ? {} : { migrationTableSchema: config.schema }),
    }).migrateTo("0014-user-must-change-password");
    await o.db.insertInto("companies").values({ id: "acme", name: "Acme", created_at: at }).execute();
    const company = new CompanyStore(o.db, "acme");
    await company.upsertCustomers([{ id: "1", displayName: "Old Quokkashire", active: true }], at);
    await company.qbo.upsertObjects([
      mirroredObjectFrom("Customer", {
        Id: "1",
        SyncToken: "0",
        DisplayName: "Old Quokkashire Ltd",
        Active: true,
        MetaData: { LastUpdatedTime: "2026-10-01T00:00:00Z" },
      }),
    ]);
    const { error } = await new Migrator({
      db: o.db,
      provider: migrationProvider,
      ...(config.schema === undefined ? {} : { migrationTableSchema: config.schema }),
    }).migrateToLatest();
    expect(error).toBeUndefined();
    const s = new SearchStore(o.db, "acme");
    const found = async () => (await s.search({ q: "quokka", limit: 10 })).items.map((h) => h.name);
    expect(await found()).toEqual(["Old Quokkashire", "Old Quokkashire Ltd"]);
    if (database.dialect === "sqlite") {
      // The index is keyed by rowid; VACUUM must keep rowids of these tables (they have indexes).
      await company.upsertCustomers(
        Array.from({ length: 50 }, (_, i) => ({ id: `x${i}`, displayName: `Filler ${i}`, active: true })),
        at,
      );
      await o.db.deleteFrom("records").where("id", "like", "x%").execute();
      await sql`vacuum`.execute(o.db);
      expect(await found()).toEqual(["Old Quokkashire", "Old Quokkashire Ltd"]);
    }
  });
});
