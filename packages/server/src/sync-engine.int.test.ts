import { systemClock, type RecordRef, type SyncEvent } from "@ledgerlink/core";
import { createEmulator } from "@ledgerlink/emulator";
import { createQboClient, type QboClient } from "@ledgerlink/qbo";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCompanySync, type CompanySyncOptions } from "./company-sync.js";
import { ingestRecords } from "./ingest-records.js";

type QboObject = Record<string, unknown> & { Id: string };

describe.each(testDatabases())("sync engine against the emulator over HTTP ($dialect)", (database) => {
  const emu = createEmulator();
  let server: Awaited<ReturnType<typeof emu.listen>>;
  let store: Store;
  let client: QboClient;
  const realm = () => emu.realm(emu.defaultRealmId);
  const company = "acme";

  beforeAll(async () => {
    server = await emu.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(() => server?.close());

  beforeEach(async () => {
    realm().reset();
    store = await openStore(database.fresh());
    await store.ensureCompany(company, "Acme Plumbing");
    client = createQboClient({
      baseUrl: server.url,
      realmId: emu.defaultRealmId,
      getAccessToken: () => Promise.resolve(emu.issueAccessToken(emu.defaultRealmId)),
    });
  });
  afterEach(() => store?.close());

  const put = (kind: Parameters<typeof ingestRecords>[1], rows: unknown[]) =>
    ingestRecords(store.company(company), kind, rows, new Date().toISOString());
  const sync = (o: Partial<CompanySyncOptions> = {}) =>
    runCompanySync({ store, companyId: company, client, clock: systemClock, ...o });
  const qboCustomers = () => realm().list("Customer") as QboObject[];
  const outcomeOf = (r: Awaited<ReturnType<typeof sync>>, ref: string) =>
    r.outcomes.find((o) => o.ref === ref)?.outcome;

  it("seed 000: links the app's parent to the one typed into QBO by hand, syncs child and invoice under it, then does nothing", async () => {
    realm().setPreferences({ SalesFormsPrefs: { CustomTxnNumbers: true } });
    // The office typed the parent into QBO before the app's sync ran.
    const typed = realm().create("Customer", {
      DisplayName: "Big Duplicating Co.",
      CompanyName: "Big Duplicating Co.",
      PrimaryEmailAddr: { Address: "accounts@bigdup.example" },
      PrimaryPhone: { FreeFormNumber: "(555) 201-7788" },
      BillAddr: {
        Line1: "400 Main Street",
        City: "Springfield",
        CountrySubDivisionCode: "IL",
        PostalCode: "62701",
      },
    }) as QboObject;
    await put("customer", [
      {
        id: "1042",
        displayName: "Big Duplicating Co.",
        companyName: "Big Duplicating Co.",
        email: "accounts@bigdup.example",
        phone: "555-201-7788",
        billingAddress: { line1: "400 Main St", city: "Springfield", region: "IL", postalCode: "62701" },
        active: true,
      },
      { id: "1043", parentId: "1042", displayName: "12 Elm St", active: true },
    ]);
    await put("item", [
      { id: "svc", name: "Copier service", type: "Service", unitPrice: "95.00", incomeAccount: "Services" },
    ]);
    await put("invoice", [
      {
        id: "77",
        docNumber: "A-77",
        customerId: "1043",
        txnDate: "2026-11-02",
        lines: [{ itemId: "svc", qty: "2", unitPrice: "95.00" }],
      },
    ]);

    const dry = await sync({ dryRun: true });
    expect(dry.run).toBeUndefined();
    expect(dry.plan.steps.map((s) => [s.ref, s.action])).toEqual([
      ["ITEM:svc", "create"],
      ["C:1042", "link"],
      ["C:1043", "create"],
      ["INV:77", "create"],
    ]);
    expect(dry.plan.steps[1]!.qboId).toBe(typed.Id);
    expect(dry.plan.steps[1]!.reason).toMatch(/already in QuickBooks/);

    const first = await sync();
    expect(first.run!.status).toBe("succeeded");
    expect(first.outcomes.map((o) => [o.ref, o.outcome])).toEqual([
      ["ITEM:svc", "created"],
      ["C:1042", "linked"],
      ["C:1043", "created"],
      ["INV:77", "created"],
    ]);
    // The executed plan is the dry run's plan.
    expect(first.plan.steps.map((s) => [s.ref, s.action])).toEqual(
      dry.plan.steps.map((s) => [s.ref, s.action]),
    );

    const customers = qboCustomers();
    expect(customers.filter((c) => c["DisplayName"] === "Big Duplicating Co.")).toHaveLength(1);
    const child = customers.find((c) => c["DisplayName"] === "12 Elm St")!;
    expect(child["ParentRef"]).toMatchObject({ value: typed.Id });
    const invoices = realm().list("Invoice") as QboObject[];
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ DocNumber: "A-77", CustomerRef: { value: child.Id }, TotalAmt: 190 });

    const writes = realm().requestLog.length;
    const second = await sync();
    expect(second.run!.status).toBe("succeeded");
    expect(second.outcomes.every((o) => o.outcome === "skipped")).toBe(true);
    // A quiet company costs reads only: no write of any kind was sent.
    const later = realm().requestLog.slice(writes);
    expect(later.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("seed 000: a different customer with the same name in QBO holds the app's parent with rename fixes, and its jobs wait", async () => {
    realm().create("Customer", {
      DisplayName: "Smith Plumbing",
      PrimaryEmailAddr: { Address: "office@smith-tx.example" },
      PrimaryPhone: { FreeFormNumber: "(214) 555-0100" },
      BillAddr: { Line1: "9 Ranch Rd", City: "Dallas", CountrySubDivisionCode: "TX", PostalCode: "75201" },
    });
    await put("customer", [
      {
        id: "2001",
        displayName: "Smith Plumbing",
        email: "hello@smithplumbing-or.example",
        phone: "503-555-0199",
        billingAddress: { line1: "88 Alder St", city: "Portland", region: "OR", postalCode: "97204" },
        active: true,
      },
      { id: "2002", parentId: "2001", displayName: "Alder St job", active: true },
    ]);
    const r = await sync();
    const parent = r.plan.steps.find((s) => s.ref === "C:2001")!;
    expect(["blocked", "held"]).toContain(parent.action);
    const renames = (parent.findings ?? []).flatMap((f) => f.fixes).filter((f) => f.action === "rename");
    expect(renames.length).toBeGreaterThan(0);
    expect(r.plan.steps.find((s) => s.ref === "C:2002")!.reason).toMatch(/waits for its parent C:2001/);
    expect(qboCustomers().filter((c) => String(c["DisplayName"]).startsWith("Smith Plumbing"))).toHaveLength(
      1,
    );
    const errors = await store.company(company).listOpenErrors();
    expect(errors.some((e) => e.ref === "C:2001")).toBe(true);
  });

  it("sends items, invoices, credit memos and payments in dependency order and links the payment to its invoice", async () => {
    await put("customer", [
      { id: "c1", displayName: "Harbor Dental", email: "ap@harbor.example", active: true },
    ]);
    await put("item", [{ id: "i1", name: "Filter", type: "NonInventory", unitPrice: "12.50" }]);
    await put("invoice", [
      {
        id: "inv1",
        docNumber: "1001",
        customerId: "c1",
        txnDate: "2026-11-03",
        lines: [{ itemId: "i1", qty: "4", unitPrice: "12.50" }],
      },
    ]);
    await put("creditMemo", [
      {
        id: "cm1",
        docNumber: "CM-1",
        customerId: "c1",
        txnDate: "2026-11-04",
        lines: [{ itemId: "i1", qty: "1", unitPrice: "12.50" }],
      },
    ]);
    await put("payment", [
      {
        id: "p1",
        customerId: "c1",
        amount: "50.00",
        txnDate: "2026-11-05",
        reference: "CHK 4411",
        appliedTo: [{ invoiceId: "inv1", amount: "50.00" }],
      },
    ]);
    const r = await sync();
    expect(r.run!.status).toBe("succeeded");
    expect(r.run!.counts.created).toBe(5);
    const invoice = realm().list("Invoice")[0] as QboObject;
    const payment = realm().list("Payment")[0] as QboObject;
    expect(payment["Line"]).toEqual([
      expect.objectContaining({
        Amount: 50,
        LinkedTxn: [expect.objectContaining({ TxnId: invoice.Id, TxnType: "Invoice" })],
      }),
    ]);
    expect(realm().get("Invoice", invoice.Id)!["Balance"]).toBe(0);
  });

  it("a record changed in the app is updated; deleted ones are inactivated (lists) or deleted (transactions)", async () => {
    await put("customer", [{ id: "c1", displayName: "Lakeside Vet", active: true }]);
    await put("item", [{ id: "visit", name: "Visit", type: "NonInventory" }]);
    await put("invoice", [
      {
        id: "inv1",
        customerId: "c1",
        txnDate: "2026-11-03",
        lines: [{ itemId: "visit", description: "Visit", qty: "1", unitPrice: "80" }],
      },
    ]);
    const created = await sync();
    expect(created.run!.status).toBe("succeeded");
    expect(created.run!.counts.created).toBe(3);
    await put("customer", [
      { id: "c1", displayName: "Lakeside Vet", email: "front@lakeside.example", active: true },
    ]);
    const dry = await sync({ dryRun: true });
    const step = dry.plan.steps.find((s) => s.ref === "C:c1")!;
    expect(step.action).toBe("update");
    expect(step.changes).toEqual([
      expect.objectContaining({ field: "PrimaryEmailAddr", after: { Address: "front@lakeside.example" } }),
    ]);
    await sync();
    const qbo = qboCustomers().find((c) => c["DisplayName"] === "Lakeside Vet")!;
    expect(qbo["PrimaryEmailAddr"]).toMatchObject({ Address: "front@lakeside.example" });

    await store.company(company).deleteRecords("invoice", ["inv1"], new Date().toISOString());
    await store.company(company).deleteRecords("customer", ["c1"], new Date().toISOString());
    const r = await sync();
    expect(r.outcomes.map((o) => [o.ref, o.outcome])).toEqual([
      ["ITEM:visit", "skipped"],
      ["INV:inv1", "deleted"],
      ["C:c1", "inactivated"],
    ]);
    expect(realm().list("Invoice")).toHaveLength(0);
    expect(realm().get("Customer", qbo.Id)!["Active"]).toBe(false);
  });

  it("5010 mid-run: fields only the app changed are re-sent on QBO's new version; a field both changed is a conflict", async () => {
    await put("customer", [
      { id: "a", displayName: "Alpha Co", email: "a@alpha.example", notes: "net 30", active: true },
      { id: "b", displayName: "Beta Co", email: "b@beta.example", notes: "net 30", active: true },
    ]);
    await sync();
    await put("customer", [
      { id: "a", displayName: "Alpha Co", email: "billing@alpha.example", notes: "net 30", active: true },
      { id: "b", displayName: "Beta Co", email: "b@beta.example", notes: "net 15", active: true },
    ]);
    // Someone edits both in QBO after the pull, before the writes: Alpha's phone, Beta's notes.
    const edit = async (e: SyncEvent) => {
      if (e.type !== "run-started") return;
      for (const [name, patch] of [
        ["Alpha Co", { PrimaryPhone: { FreeFormNumber: "555-0001" } }],
        ["Beta Co", { Notes: "net 45" }],
      ] as const) {
        const c = qboCustomers().find((x) => x["DisplayName"] === name)!;
        await client.update(
          "Customer",
          { Id: c.Id, SyncToken: String(c["SyncToken"]), ...patch },
          { requestId: `edit-${name}` },
        );
      }
    };
    const pending: Promise<void>[] = [];
    const r = await sync({ onEvent: (e) => void pending.push(edit(e)), batchLanes: 0, singleLanes: 1 });
    await Promise.all(pending);
    expect(outcomeOf(r, "C:a")).toBe("updated");
    const alpha = qboCustomers().find((c) => c["DisplayName"] === "Alpha Co")!;
    expect(alpha["PrimaryEmailAddr"]).toMatchObject({ Address: "billing@alpha.example" });
    expect(alpha["PrimaryPhone"]).toMatchObject({ FreeFormNumber: "555-0001" });
    expect(outcomeOf(r, "C:b")).toBe("failed");
    const failure = r.outcomes.find((o) => o.ref === "C:b")!.failure!;
    expect(failure).toMatchObject({ category: "stale", code: "conflict" });
    expect(failure.detail).toContain('QuickBooks has "net 45", the app has "net 15"');
  });

  it("a 6240 at run time (a name typed into QBO mid-run) is recorded against the record and the run goes on", async () => {
    await put("customer", [
      { id: "x", displayName: "Xeno Labs", active: true },
      { id: "y", displayName: "Yarrow Farm", active: true },
    ]);
    const typeIn = (e: SyncEvent) => {
      if (e.type === "run-started") realm().create("Customer", { DisplayName: "Xeno Labs" });
    };
    const r = await sync({ onEvent: typeIn });
    expect(r.run!.status).toBe("partial");
    expect(r.outcomes.find((o) => o.ref === "C:x")!.failure).toMatchObject({
      code: "6240",
      category: "duplicate",
    });
    expect(outcomeOf(r, "C:y")).toBe("created");
    const errors = await store.company(company).listOpenErrors();
    expect(errors).toEqual([expect.objectContaining({ ref: "C:x", code: "6240" })]);
    // Next run: the pull sees the typed-in customer; matching or validation takes it from there.
    const next = await sync({ dryRun: true });
    expect(next.plan.steps.find((s) => s.ref === "C:x")!.action).not.toBe("create");
  });

  it("held records stay out of the run until released; removed ones until they change", async () => {
    await put("customer", [
      { id: "h", displayName: "Held Co", active: true },
      { id: "r", displayName: "Removed Co", active: true },
    ]);
    const queue = store.company(company).sync;
    await queue.setHold(
      "C:h" as RecordRef,
      "held",
      "pat@office",
      "waiting for the client's W-9",
      new Date().toISOString(),
    );
    await queue.setHold("C:r" as RecordRef, "removed", "pat@office", undefined, new Date().toISOString());
    const r = await sync();
    expect(outcomeOf(r, "C:h")).toBe("held");
    expect(r.plan.steps.find((s) => s.ref === "C:h")!.reason).toContain("W-9");
    expect(outcomeOf(r, "C:r")).toBe("skipped");
    expect(qboCustomers()).toHaveLength(0);

    await queue.release("C:h" as RecordRef, "pat@office", new Date().toISOString());
    await put("customer", [
      { id: "r", displayName: "Removed Co", email: "new@removed.example", active: true },
    ]);
    const again = await sync();
    expect(outcomeOf(again, "C:h")).toBe("created");
    expect(outcomeOf(again, "C:r")).toBe("created");
    const audit = await store.company(company).listAudit();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["queue.hold", "queue.remove", "queue.release"]),
    );
  });

  it("syncs one record and what it needs, nothing else", async () => {
    await put("customer", [
      { id: "p", displayName: "Parent Co", active: true },
      { id: "k", parentId: "p", displayName: "Kid Site", active: true },
      { id: "o", displayName: "Other Co", active: true },
    ]);
    const r = await sync({ only: ["C:k" as RecordRef] });
    expect(r.outcomes.map((o) => o.ref)).toEqual(["C:p", "C:k"]);
    expect(
      qboCustomers()
        .map((c) => c["DisplayName"])
        .sort(),
    ).toEqual(["Kid Site", "Parent Co"]);
  });
  it("two-way: a merge made in QBO re-points the link and a payment recorded there marks the invoice paid (CDC and webhook)", async () => {
    await put("customer", [
      { id: "m", displayName: "Maple Clinic", email: "ap@maple.example", active: true },
      { id: "n", displayName: "Northside Gym", email: "hi@northside.example", active: true },
    ]);
    await put("item", [{ id: "svc", name: "Service call", type: "NonInventory" }]);
    await put("invoice", [
      {
        id: "in1",
        customerId: "n",
        txnDate: "2026-11-03",
        lines: [{ itemId: "svc", qty: "1", unitPrice: "120" }],
      },
      {
        id: "in2",
        customerId: "m",
        txnDate: "2026-11-04",
        lines: [{ itemId: "svc", qty: "2", unitPrice: "120" }],
      },
    ]);
    await sync();
    const links = await store.company(company).sync.listLinks();
    const maple = links.get("C:m" as RecordRef)!.qboId;
    const invoiceId = links.get("INV:in1" as RecordRef)!.qboId;

    // In QBO, the office merges our "Maple Clinic" into one they typed by hand; CDC sees the customer go
    // inactive while its invoice moves to the survivor.
    const typed = realm().create("Customer", { DisplayName: "Maple Clinic LLC" }) as QboObject;
    realm().mergeCustomers(maple, typed.Id);
    const events: SyncEvent[] = [];
    const r = await sync({ onEvent: (e) => events.push(e) });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "qbo-change",
        action: expect.objectContaining({ type: "repoint-link", ref: "C:m", toQboId: typed.Id }),
      }),
    );
    expect((await store.company(company).sync.listLinks()).get("C:m" as RecordRef)!.qboId).toBe(typed.Id);
    expect(outcomeOf(r, "C:m")).toBe("skipped"); // followed, not re-created or pushed over the survivor
    expect(qboCustomers().filter((c) => String(c["DisplayName"]).startsWith("Maple Clinic"))).toHaveLength(2);

    // Someone records the customer's payment in QBO; Intuit's webhook tells us (a signed delivery).
    const paid = await client.create(
      "Payment",
      {
        CustomerRef: { value: links.get("C:n" as RecordRef)!.qboId },
        TotalAmt: 120,
        Line: [{ Amount: 120, LinkedTxn: [{ TxnId: invoiceId, TxnType: "Invoice" }] }],
      },
      { requestId: "paid-in-qbo" },
    );
    await store.company(company).noteQboChanges(
      [
        {
          entity: "Payment",
          qboId: String(paid.Id),
          operation: "Create",
          lastUpdated: new Date().toISOString(),
        },
      ],
      new Date().toISOString(),
    );
    const seen: SyncEvent[] = [];
    await sync({ onEvent: (e) => seen.push(e) });
    expect(seen).toContainEqual(
      expect.objectContaining({
        type: "qbo-change",
        action: expect.objectContaining({ type: "invoice-payment", ref: "INV:in1", paid: true, balance: 0 }),
      }),
    );
    const audit = await store.company(company).listAudit();
    expect(audit).toContainEqual(
      expect.objectContaining({ ref: "INV:in1", action: "qbo.invoice.paid", actor: "quickbooks" }),
    );
    expect(await store.company(company).qbo.pendingNotices()).toEqual([]);
    // Our own payment records are not news: nothing was sent for the invoice.
    expect(realm().list("Payment")).toHaveLength(1);
  });
  it("two-way: QBO's own edits since the last sync are kept; a field both sides changed is held with both values", async () => {
    await put("customer", [
      { id: "g", displayName: "Gamma Co", email: "g@gamma.example", notes: "net 30", active: true },
    ]);
    await sync();
    const edit = async (patch: Record<string, unknown>) => {
      const c = qboCustomers().find((x) => x["DisplayName"] === "Gamma Co")!;
      await client.update(
        "Customer",
        { Id: c.Id, SyncToken: String(c["SyncToken"]), ...patch },
        { requestId: `e-${Math.random()}` },
      );
    };
    // The bookkeeper adds a phone in QBO; the app changes the email.
    await edit({ PrimaryPhone: { FreeFormNumber: "555-0199" } });
    await put("customer", [
      { id: "g", displayName: "Gamma Co", email: "billing@gamma.example", notes: "net 30", active: true },
    ]);
    const r = await sync();
    expect(r.plan.steps.find((s) => s.ref === "C:g")!.reason).toMatch(
      /QuickBooks' own edits since the last sync are kept/,
    );
    let g = qboCustomers().find((x) => x["DisplayName"] === "Gamma Co")!;
    expect(g["PrimaryEmailAddr"]).toMatchObject({ Address: "billing@gamma.example" });
    expect(g["PrimaryPhone"]).toMatchObject({ FreeFormNumber: "555-0199" });

    // Both change the notes, differently: nothing is overwritten, a person chooses.
    await edit({ Notes: "net 45" });
    await put("customer", [
      { id: "g", displayName: "Gamma Co", email: "billing@gamma.example", notes: "net 15", active: true },
    ]);
    const held = await sync();
    const step = held.plan.steps.find((s) => s.ref === "C:g")!;
    expect(step.action).toBe("held");
    expect(step.reason).toContain('Notes: QuickBooks has "net 45", the app has "net 15"');
    g = qboCustomers().find((x) => x["DisplayName"] === "Gamma Co")!;
    expect(g["Notes"]).toBe("net 45");
  });
});
