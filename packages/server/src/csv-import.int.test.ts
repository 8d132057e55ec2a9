import type { IncomingKind } from "@ledgerlink/core";
import { openStore, testDatabases, type CompanyStore, type Store } from "@ledgerlink/store";
import { afterEach, describe, expect, it } from "vitest";
import type { CsvImportError } from "./csv-import.js";
import { importCsv, parseColumnMapping, type CsvImportOptions } from "./csv-import.js";

async function* chunks(...parts: (string | Buffer)[]) {
  for (const p of parts) yield typeof p === "string" ? Buffer.from(p) : p;
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected the import to fail");
    },
    (e: unknown) => e as CsvImportError,
  );

const customerMapping = parseColumnMapping([
  "id=Customer No",
  "displayName=Name",
  "email=Email",
  "billingAddress.city=City",
  "active=Active",
]);

describe.each(testDatabases())("CSV import on $dialect", (database) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  const company = async () => {
    store = await openStore(database.fresh());
    await store.ensureCompany("acme", "Acme");
    return store.company("acme");
  };
  const run = (c: CompanyStore, kind: IncomingKind, file: string | Buffer, options: CsvImportOptions = {}) =>
    importCsv(c, kind, chunks(file), { now: () => new Date("2026-11-21T10:00:00Z"), ...options });

  it("stores valid customers, rejects each bad row by row number, record and column, and samples", async () => {
    const c = await company();
    const file =
      "\uFEFFCustomer No,Name,Email,City,Active,Region\n" +
      "1042,Big Duplicating Co.,ap@big.example,Springfield,yes,IL\n" +
      "1043,,,,,\n" +
      "1044,O'Brien's Plumbing,,Shelbyville,no,\n" +
      ",No Id Ltd,,,,\n" +
      "1045,Bad Flag,,,maybe,\n";
    const result = await run(c, "customer", file, { mapping: customerMapping });
    expect(result).toMatchObject({
      rows: 5,
      records: 5,
      valid: 2,
      created: 2,
      stored: true,
      encoding: "utf-8",
    });
    expect(result.ignoredColumns).toEqual(["Region"]);
    expect(result.rejected.map((r) => [r.row, r.ref ?? null, r.field, r.column ?? null])).toEqual([
      [3, "C:1043", "displayName", "Name"],
      [5, null, "id", "Customer No"],
      [6, "C:1045", "active", "Active"],
    ]);
    expect(result.rejected[2]!.message).toBe('row 6, C:1045: active (column "Active") must be true or false');
    expect(result.accepted).toEqual([
      { row: 2, id: "1042", status: "created" },
      { row: 4, id: "1044", status: "created" },
    ]);
    expect(result.sample[0]).toEqual({
      row: 2,
      record: {
        id: "1042",
        displayName: "Big Duplicating Co.",
        email: "ap@big.example",
        billingAddress: { city: "Springfield" },
        active: true,
      },
    });
    const stored = await c.listCustomers();
    expect(stored.map((s) => [s.id, s.displayName, s.active])).toEqual([
      ["1042", "Big Duplicating Co.", true],
      ["1044", "O'Brien's Plumbing", false],
    ]);
    // The same file again: idempotent.
    const again = await run(c, "customer", file, { mapping: customerMapping });
    expect(again).toMatchObject({ created: 0, unchanged: 2 });
  });

  it("reads columns named like the fields without a mapping", async () => {
    const c = await company();
    const result = await run(c, "item", "ID,Name,SKU,unitPrice,Notes\nI1,Labor,LAB-1,85.00,x\n");
    expect(result.columns).toEqual({ id: "ID", name: "Name", sku: "SKU", unitPrice: "unitPrice" });
    expect(result.ignoredColumns).toEqual(["Notes"]);
    expect(await c.listRecords("item")).toEqual([
      { id: "I1", name: "Labor", sku: "LAB-1", type: "Service", unitPrice: "85", active: true },
    ]);
  });

  it("previews: checks everything, samples, stores nothing", async () => {
    const c = await company();
    const result = await run(c, "customer", "Customer No,Name,Email,City,Active\n1,A,,,\n2,,,,\n3,C,,,\n", {
      mapping: customerMapping,
      preview: true,
      sampleSize: 1,
    });
    expect(result).toMatchObject({ stored: false, rows: 3, valid: 2, accepted: [], created: 0 });
    expect(result.sample).toEqual([{ row: 2, record: { id: "1", displayName: "A", active: true } }]);
    expect(result.rejected.map((r) => r.row)).toEqual([3]);
    expect(await c.listCustomers()).toEqual([]);
  });

  it("groups an invoice's rows into one record with its lines, and points at the bad line's row", async () => {
    const c = await company();
    const mapping = parseColumnMapping([
      "id=Invoice",
      "docNumber=Number",
      "customerId=Customer",
      "txnDate=Date",
      "lines.itemId=Item",
      "lines.qty=Qty",
      "lines.unitPrice=Price",
      "lines.description=Description",
    ]);
    const file = [
      "Invoice,Number,Customer,Date,Item,Qty,Price,Description",
      "77,1001,1042,2026-11-01,I1,2,95.00,Drain cleaning",
      "77,1001,1042,2026-11-01,,1,45,Call-out", // header fields repeated
      "77,,,,I2,1.5,10,", // or left blank
      "78,1002,1042,2026-11-02,I1,two,95,",
      "78,1002,1042,2026-11-02,I1,1,95,",
      "79,1003,1042,2026-11-03,I1,1,95,",
      "79,1003,1043,2026-11-03,I1,1,95,", // the customer changes inside one invoice
      '80,"1004",1042,2026-11-04,I1,1,95,"Two-line',
      'description"',
    ].join("\n");
    const result = await run(c, "invoice", file, { mapping });
    expect(result).toMatchObject({ rows: 8, records: 4, valid: 2 });
    expect(result.accepted).toEqual([
      { row: 2, id: "77", status: "created" },
      { row: 9, id: "80", status: "created" },
    ]);
    expect(result.rejected.map((r) => [r.row, r.rows, r.ref, r.field, r.column])).toEqual([
      [5, [5, 6], "INV:78", "lines[0].qty", "Qty"],
      [8, [7, 8], "INV:79", "customerId", "Customer"],
    ]);
    expect(result.rejected[0]!.message).toBe(
      'row 5, INV:78: lines[0].qty (column "Qty") must be a plain decimal number, got "two"',
    );
    expect(result.rejected[1]!.message).toContain('is "1043" here but "1042" on row 7 of the same invoice');
    const [inv77, inv80] = await c.listRecords("invoice");
    expect(inv77).toEqual({
      id: "77",
      docNumber: "1001",
      customerId: "1042",
      txnDate: "2026-11-01",
      lines: [
        { itemId: "I1", description: "Drain cleaning", qty: "2", unitPrice: "95" },
        { description: "Call-out", qty: "1", unitPrice: "45" },
        { itemId: "I2", qty: "1.5", unitPrice: "10" },
      ],
    });
    expect(inv80!.lines[0]!.description).toBe("Two-line\ndescription");
  });

  it("takes credit memos like invoices, and payments with and without applied invoices", async () => {
    const c = await company();
    const memos = await run(
      c,
      "creditMemo",
      "id,customerId,txnDate,lines.unitPrice,lines.description\nCM1,1042,2026-11-05,10,Refund\n",
    );
    expect(memos.created).toBe(1);
    const payments = await run(
      c,
      "payment",
      [
        "Payment,Customer,Amount,Date,Invoice,Applied",
        "P1,1042,150.00,2026-11-10,77,100.00",
        "P1,1042,150.00,2026-11-10,78,50.00",
        "P2,1042,20.00,2026-11-10,,",
        "P3,1042,20.001,2026-11-10,,",
      ].join("\r\n"),
      {
        mapping: parseColumnMapping([
          "id=Payment",
          "customerId=Customer",
          "amount=Amount",
          "txnDate=Date",
          "appliedTo.invoiceId=Invoice",
          "appliedTo.amount=Applied",
        ]),
      },
    );
    expect(payments.rejected.map((r) => [r.row, r.ref, r.field])).toEqual([[5, "PMT:P3", "amount"]]);
    expect(await c.listRecords("payment")).toEqual([
      {
        id: "P1",
        customerId: "1042",
        amount: 15000,
        txnDate: "2026-11-10",
        appliedTo: [
          { invoiceId: "77", amount: 10000 },
          { invoiceId: "78", amount: 5000 },
        ],
      },
      { id: "P2", customerId: "1042", amount: 2000, txnDate: "2026-11-10", appliedTo: [] },
    ]);
  });

  it("rejects every record of an id used twice, the first one too, in any batch", async () => {
    const c = await company();
    const rows = Array.from({ length: 30 }, (_, i) => `${i},Customer ${i},,,`);
    rows[25] = "3,Customer 3 again,,,";
    const result = await run(c, "customer", ["Customer No,Name,Email,City,Active", ...rows].join("\n"), {
      mapping: customerMapping,
      batchSize: 10,
    });
    expect(result.rejected.map((r) => [r.row, r.ref, r.field])).toEqual([
      [5, "C:3", "id"],
      [27, "C:3", "id"],
    ]);
    expect(result.rejected[0]!.message).toBe(
      'row 5, C:3: id (column "Customer No") appears 2 times in this file (rows 5 and 27); none of them is stored: one row per customer',
    );
    expect(result).toMatchObject({ valid: 28, created: 28 });
    const ids = (await c.listCustomers()).map((x) => x.id);
    expect(ids).toHaveLength(28);
    expect(ids).not.toContain("3");
    expect(ids).not.toContain("25");

    // Invoices: rows of one id that are not together are two records with the same id.
    const inv = await run(
      c,
      "invoice",
      "id,customerId,txnDate,lines.unitPrice\n1,C,2026-01-01,1\n2,C,2026-01-01,1\n1,C,2026-01-01,x\n",
    );
    expect(inv.rejected.map((r) => [r.row, r.ref, r.issues.map((i) => i.field)])).toEqual([
      [2, "INV:1", ["id"]],
      [4, "INV:1", ["id", "lines[0].unitPrice"]],
    ]);
    expect((await c.listRecords("invoice")).map((i) => i.id)).toEqual(["2"]);
  });

  it("names an unknown field, a mapped column the file lacks, or a required column, and stores nothing", async () => {
    const c = await company();
    const header = "Customer No,Name,Email,City,Active\n1,A,,,\n";
    const unknownField = await failure(run(c, "customer", header, { mapping: { emial: "Email" } }));
    expect(unknownField).toMatchObject({ code: "invalid_mapping", details: { field: "emial" } });
    expect(unknownField.message).toMatch(
      /^"emial" is not a field of a customer; the fields are id, parentId/,
    );
    const noColumn = await failure(
      run(c, "customer", "Id,Full Name\n1,A\n", { mapping: { id: "Id", displayName: "Name" } }),
    );
    expect(noColumn).toMatchObject({
      code: "missing_column",
      details: { field: "displayName", column: "Name" },
    });
    expect(noColumn.message).toBe(
      'the file has no column "Name" (mapped to displayName); its columns are "Id", "Full Name"',
    );
    const required = await failure(run(c, "invoice", "id,customerId,txnDate\n1,2,2026-01-01\n"));
    expect(required.message).toMatch(/^no column for lines\.unitPrice: an invoice needs it/);
    const semicolons = await failure(
      run(c, "customer", "Customer No;Name\n1;A\n", { mapping: customerMapping }),
    );
    expect(semicolons.message).toContain("delimiter=;");
    const ok = await run(c, "customer", "Customer No;Name\n1;A\n", {
      mapping: { id: "Customer No", displayName: "Name" },
      delimiter: ";",
    });
    expect(ok.created).toBe(1);
    expect((await c.listCustomers()).map((x) => x.id)).toEqual(["1"]);
  });

  it("refuses a file with bad bytes far down, naming the line, and stores none of its good rows", async () => {
    const c = await company();
    const good = Array.from({ length: 3000 }, (_, i) => `${i},Café ${i},,,`).join("\n");
    const bad = Buffer.concat([
      Buffer.from(`Customer No,Name,Email,City,Active\n${good}\n3000,Caf`),
      Buffer.from([0xe9]),
      Buffer.from(",,,\n"),
    ]);
    const err = await failure(run(c, "customer", bad, { mapping: customerMapping, batchSize: 500 }));
    expect(err).toMatchObject({ code: "invalid_encoding", details: { line: 3002 } });
    expect(await c.listCustomers()).toEqual([]);
    // Said to be Windows-1252, the same bytes are Café.
    const result = await run(c, "customer", bad, { mapping: customerMapping, encoding: "windows-1252" });
    expect(result.created).toBe(3001);
    expect((await c.listCustomers()).find((x) => x.id === "3000")?.displayName).toBe("Café");
  });

  it("reads UTF-16 files by their byte-order mark", async () => {
    const c = await company();
    const text = "Customer No,Name,Email,City,Active\n1,Müller & Söhne 😀,,Köln,\n";
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const result = await run(c, "customer", le, { mapping: customerMapping });
    expect(result).toMatchObject({ encoding: "utf-16le", created: 1 });
    expect((await c.listCustomers())[0]).toMatchObject({
      displayName: "Müller & Söhne 😀",
      billingAddress: { city: "Köln" },
    });
  });

  it("refuses broken CSV with its line, and a row with too many cells on its own", async () => {
    const c = await company();
    const unclosed = await failure(
      run(c, "customer", 'Customer No,Name,Email,City,Active\n1,A,,,\n2,"B,,,\n3,C,,,\n', {
        mapping: customerMapping,
      }),
    );
    expect(unclosed.code).toBe("invalid_csv");
    expect(unclosed.message).toMatch(/Quote Not Closed/);
    expect(await c.listCustomers()).toEqual([]);
    const shifted = await run(
      c,
      "customer",
      "Customer No,Name,Email,City,Active\n1,Smith, John,,,\n2,Lee,,,\n,,,,\n",
      { mapping: customerMapping },
    );
    expect(shifted.rejected.map((r) => [r.row, r.ref, r.field])).toEqual([[2, "C:1", "(row)"]]);
    expect(shifted.rejected[0]!.message).toContain("has 6 cells but the header has 5");
    expect(shifted).toMatchObject({ rows: 2, created: 1 });
    const empty = await failure(run(c, "customer", "\n\n"));
    expect(empty.code).toBe("empty_file");
  });

  it("stops at the size limit before storing anything", async () => {
    const c = await company();
    const err = await failure(
      importCsv(
        c,
        "customer",
        chunks("Customer No,Name,Email,City,Active\n", "1,A,,,\n".repeat(200), "2,B,,,\n".repeat(200)),
        { mapping: customerMapping, maxBytes: 2000 },
      ),
    );
    expect(err.code).toBe("too_large");
    expect(await c.listCustomers()).toEqual([]);
  });
});
