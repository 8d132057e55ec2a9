import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { CsvImportError, importCustomersCsv } from "./csv-import.js";

const mapping = {
  id: "Customer No",
  displayName: "Name",
  email: "Email",
  "billingAddress.city": "City",
  active: "Active",
};
const csv = (text: string | Buffer) => Readable.from([typeof text === "string" ? Buffer.from(text) : text]);

describe.each(testDatabases())("CSV import of customers on $dialect", (database) => {
  let store: Store | undefined;
  afterEach(() => store?.close());
  const company = async () => {
    store = await openStore(database.fresh());
    await store.ensureCompany("acme", "Acme");
    return store.company("acme");
  };

  it("stores valid rows, rejects bad ones by line, record and field, and previews", async () => {
    const c = await company();
    const file =
      "\uFEFFCustomer No,Name,Email,City,Active\n" +
      "1042,Big Duplicating Co.,ap@big.example,Springfield,yes\n" +
      "1043,,,,\n" +
      "1044,O'Brien's Plumbing,,Shelbyville,no\n" +
      "1042,Big Duplicating Co. again,,,yes\n";
    const result = await importCustomersCsv(c, csv(file), mapping);
    expect(result.rows).toBe(4);
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((r) => [r.line, r.ref ?? `C:${r.id}`, r.field])).toEqual([
      [3, "C:1043", "displayName"],
      [5, "C:1042", "id"],
    ]);
    expect(result.preview[0]).toEqual({
      id: "1042",
      displayName: "Big Duplicating Co.",
      email: "ap@big.example",
      billingAddress: { city: "Springfield" },
      active: "yes",
    });
    const stored = await c.listCustomers();
    expect(stored.map((s) => [s.id, s.displayName, s.active])).toEqual([
      ["1042", "Big Duplicating Co.", true],
      ["1044", "O'Brien's Plumbing", false],
    ]);
  });

  it("writes nothing on a dry run", async () => {
    const c = await company();
    const result = await importCustomersCsv(c, csv("Customer No,Name,Email,City,Active\n1,A,,,\n"), mapping, {
      dryRun: true,
    });
    expect(result).toMatchObject({ rows: 1, accepted: 1, dryRun: true });
    expect(await c.listCustomers()).toEqual([]);
  });

  it("names the missing columns and stores nothing", async () => {
    const c = await company();
    const err = await importCustomersCsv(c, csv("Id,Full Name\n1,A\n"), mapping).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvImportError);
    expect((err as Error).message).toContain('"Customer No" (for id)');
    expect((err as Error).message).toContain('its columns are "Id", "Full Name"');
    expect(await c.listCustomers()).toEqual([]);
  });

  it("refuses a file that is not UTF-8 rather than storing mangled names", async () => {
    const c = await company();
    const latin1 = Buffer.concat([
      Buffer.from("Customer No,Name,Email,City,Active\n1,Caf"),
      Buffer.from([0xe9]),
      Buffer.from(",,,\n"),
    ]);
    const err = await importCustomersCsv(c, csv(latin1), mapping).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvImportError);
    expect((err as Error).message).toMatch(/not UTF-8/);
    expect(await c.listCustomers()).toEqual([]);
  });

  it("streams a large file in batches", async () => {
    const c = await company();
    const rows = 12_000;
    async function* big() {
      yield Buffer.from("Customer No,Name,Email,City,Active\n");
      for (let i = 0; i < rows; i += 1000) {
        let chunk = "";
        for (let j = i; j < i + 1000; j++)
          chunk += `${j},Customer ${j},c${j}@example.com,Town ${j % 50},yes\n`;
        yield Buffer.from(chunk);
      }
    }
    const result = await importCustomersCsv(c, Readable.from(big()), mapping, { batchSize: 500 });
    expect(result).toMatchObject({ rows, accepted: rows, rejected: [] });
    expect((await c.counts()).customers).toBe(rows);
  });
});
