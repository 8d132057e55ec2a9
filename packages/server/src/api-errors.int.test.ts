import type { ErrorItemDto, FixResultDto } from "@ledgerlink/core";
import { testDatabases } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBadField, expectContract, startApiHarness, type ApiHarness } from "../test/api-harness.js";

type ErrorsPage = {
  groups: { category: string; title: string; count: number }[];
  total: number;
  items: ErrorItemDto[];
  nextCursor: string | null;
};

describe.each(testDatabases())("Errors view and fixes over HTTP ($dialect)", (database) => {
  let h: ApiHarness;
  const base = "/api/v1/companies/acme";
  let xenoQboId = "";
  let dormantQboId = "";

  const errors = async (query = "") =>
    expectContract<ErrorsPage>("listErrors", await h.call("GET", `${base}/errors${query}`), 200);
  const find = async (pred: (e: ErrorItemDto) => boolean) => {
    const page = await errors("?limit=500");
    const e = page.items.find(pred);
    if (!e)
      throw new Error(
        `no such problem among ${page.items.map((i) => `${i.ref}/${i.source}/${i.category}`).join(", ")}`,
      );
    return e;
  };
  const fix = async (id: string, body: unknown, status = 200) =>
    expectContract<FixResultDto>(
      "fixError",
      await h.call("POST", `${base}/errors/${id}/fix`, body, { "x-ledgerlink-actor": "maria" }),
      status,
    );

  beforeAll(async () => {
    h = await startApiHarness(database);
    const realm = h.realm();
    realm.setPreferences({ SalesFormsPrefs: { CustomTxnNumbers: true } });
    realm.setClosingDate("2026-06-30");
    // A different customer with the same name was typed into QBO (seed 000).
    realm.create("Customer", {
      DisplayName: "Smith Plumbing",
      PrimaryEmailAddr: { Address: "office@smith-tx.example" },
      BillAddr: { Line1: "9 Ranch Rd", City: "Dallas", CountrySubDivisionCode: "TX", PostalCode: "75201" },
    });
    dormantQboId = String(realm.create("Customer", { DisplayName: "Dormant Co", Active: false })["Id"]);
    realm.create("Customer", {
      DisplayName: "Harbour Dental Group",
      PrimaryEmailAddr: { Address: "hd@x.example" },
    });
    await h.put("item", [
      { id: "svc", name: "Copier service", type: "Service", unitPrice: "95.00", incomeAccount: "Services" },
    ]);
    await h.put("customer", [
      {
        id: "2001",
        displayName: "Smith Plumbing",
        email: "hello@smithplumbing-or.example",
        billingAddress: { line1: "88 Alder St", city: "Portland", region: "OR", postalCode: "97204" },
        active: true,
      },
      { id: "3001", displayName: "Xeno Labs", active: true },
      { id: "4001", displayName: "Bright Clinic", active: true },
      { id: "5001", displayName: "Dormant Co", active: true },
      { id: "6001", displayName: "Harbor Dental", email: "front@harbor.example", active: true },
    ]);
    // Kept out of the sync by staff: the linked-but-inactive one, and the one waiting for review.
    for (const ref of ["C:5001", "C:6001"])
      expectContract(
        "holdQueueRecord",
        await h.call("POST", `${base}/queue/${ref}/hold`, { reason: "checking" }),
        200,
      );
    await h.put("invoice", [
      {
        id: "77",
        docNumber: "A-77",
        customerId: "4001",
        txnDate: "2026-05-02",
        lines: [{ itemId: "svc", qty: "1", unitPrice: "95.00" }],
      },
    ]);
    // Pull QBO's state, then a person links C:5001 to the inactive "Dormant Co" in QBO.
    expectContract("planRun", await h.call("POST", `${base}/runs/plan`), 200);
    expectContract(
      "linkCustomer",
      await h.call("POST", `${base}/review/link`, { localId: "5001", qboId: dormantQboId }),
      200,
    );
    await h.put("invoice", [
      {
        id: "78",
        docNumber: "A-78",
        customerId: "5001",
        txnDate: "2026-11-02",
        lines: [{ itemId: "svc", qty: "1", unitPrice: "95.00" }],
      },
    ]);
    // Someone types "Xeno Labs" into QBO while the sync runs: QBO answers 6240 at run time.
    await h.sync((e) => {
      if (e.type === "run-started")
        xenoQboId = String(h.realm().create("Customer", { DisplayName: "Xeno Labs" })["Id"]);
    });
    // A pair the matcher was unsure of, waiting for a person.
    const harbour = h
      .realm()
      .list("Customer")
      .find((c) => c["DisplayName"] === "Harbour Dental Group")!;
    await h.store
      .company("acme")
      .review.saveReviewSuggestions(
        "run-x",
        [{ localId: "6001", qboId: String(harbour["Id"]), score: 0.81, reasons: ["name similar"] }],
        new Date().toISOString(),
      );
  });
  afterAll(() => h?.close());

  it("groups every open problem by category, each with its record, QBO's words, an explanation and fixes", async () => {
    const page = await errors("?limit=500");
    expect(page.total).toBe(page.items.length);
    expect(page.groups.reduce((n, g) => n + g.count, 0)).toBe(page.total);
    const dup = page.groups.find((g) => g.category === "duplicate")!;
    expect(dup.title).toBe("Duplicates");
    // Items come in category order, the groups' order.
    const order = page.groups.map((g) => g.category);
    const seen = [...new Set(page.items.map((i) => i.category))];
    expect(seen).toEqual(order);

    const smith = page.items.find((e) => e.ref === "C:2001" && e.source === "preflight")!;
    expect(smith).toMatchObject({
      category: "duplicate",
      recordName: "Smith Plumbing",
      severity: "blocks",
      kind: "customer",
    });
    expect(smith.explanation).toMatch(/only once/);
    expect(smith.fixes.map((f) => f.action)).toEqual(expect.arrayContaining(["rename", "link"]));

    const xeno = page.items.find((e) => e.ref === "C:3001" && e.source === "qbo")!;
    expect(xeno.qbo).toMatchObject({ code: "6240" });
    expect(xeno.qbo!.message.length).toBeGreaterThan(0);
    expect(xeno.explanation).toContain('called "Xeno Labs"');
    expect(xeno.fixes.map((f) => f.action)).toEqual(["rename", "link", "requeue"]);
    expect(xeno.fixes.find((f) => f.action === "rename")!.requires).toEqual(["value"]);

    const closed = page.items.find((e) => e.ref === "INV:77")!;
    expect(closed).toMatchObject({ category: "closed-period", recordName: "A-77", field: "txnDate" });
    expect(closed.fixes[0]).toMatchObject({ action: "change-date", executable: true, requires: [] });

    const review = page.items.find((e) => e.source === "review")!;
    expect(review).toMatchObject({ ref: "C:6001", category: "duplicate", recordName: "Harbor Dental" });
    expect(review.review).toMatchObject({ qboName: "Harbour Dental Group", score: 0.81 });
    expect(review.fixes.map((f) => f.action)).toEqual([
      "accept-match",
      "create-new",
      "reject-match",
      "link",
      "mark-qbo-inactive",
    ]);

    const inactive = page.items.find((e) => e.ref === "INV:78" && e.category === "inactive-or-missing")!;
    expect(inactive.fixes[0]!.action).toBe("auto-repair");
    expect(inactive.fixes.find((f) => f.action === "reactivate")!.params).toEqual({
      entity: "Customer",
      qboId: dormantQboId,
    });
  });

  it("filters by category, source, record and kind, and pages without losing or repeating a problem", async () => {
    const all = await errors("?limit=500");
    const dups = await errors("?category=duplicate");
    expect(dups.items.every((i) => i.category === "duplicate")).toBe(true);
    expect(dups.total).toBe(all.items.filter((i) => i.category === "duplicate").length);
    expect((await errors("?source=qbo")).items.every((i) => i.source === "qbo")).toBe(true);
    expect((await errors("?source=review")).items.map((i) => i.ref)).toEqual(["C:6001"]);
    expect((await errors("?ref=C:6001")).items.map((i) => i.source).sort()).toEqual(["review"]);
    expect((await errors("?kind=invoice")).items.every((i) => i.ref.startsWith("INV:"))).toBe(true);

    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ErrorsPage = await errors(`?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(ids).toEqual(all.items.map((i) => i.id));

    expectBadField("listErrors", await h.call("GET", `${base}/errors?category=bad`), "category");
    expectBadField("listErrors", await h.call("GET", `${base}/errors?ref=1042`), "ref");
    expectBadField("listErrors", await h.call("GET", `${base}/errors?limit=abc`), "limit");
    expectBadField("listErrors", await h.call("GET", `${base}/errors?cursor=xyz`), "cursor");
    expectContract("listErrors", await h.call("GET", "/api/v1/companies/ghost/errors"), 404);
  });

  it("one problem with its fixes' choices: rename proposals unique in the app and QBO", async () => {
    const smith = await find((e) => e.ref === "C:2001" && e.source === "preflight");
    const one = expectContract<ErrorItemDto>(
      "getError",
      await h.call("GET", `${base}/errors/${smith.id}`),
      200,
    );
    expect(one.id).toBe(smith.id);
    const xeno = await find((e) => e.ref === "C:3001" && e.source === "qbo");
    const detail = expectContract<ErrorItemDto>(
      "getError",
      await h.call("GET", `${base}/errors/${xeno.id}`),
      200,
    );
    const rename = detail.fixes.find((f) => f.action === "rename")!;
    expect(rename.choices!.length).toBeGreaterThan(0);
    expect(rename.choices!.every((c) => c.params["value"] !== "Xeno Labs")).toBe(true);
    const link = detail.fixes.find((f) => f.action === "link")!;
    expect(link.choices).toEqual([expect.objectContaining({ params: { qboId: xenoQboId } })]);
    expectContract("getError", await h.call("GET", `${base}/errors/nope`), 404);
  });

  it("rename: preview changes nothing; applying renames, validates again, queues it and audits who did it", async () => {
    const smith = await find((e) => e.ref === "C:2001" && e.source === "preflight");
    const renames = smith.fixes.filter((f) => f.action === "rename");
    const value = String(renames[0]!.params["value"]);
    const preview = await fix(smith.id, { action: "rename", params: { value }, preview: true });
    expect(preview).toMatchObject({
      applied: false,
      queued: false,
      changes: [{ field: "displayName", before: "Smith Plumbing", after: value }],
    });
    const before = expectContract<{ name: string }>(
      "getRecord",
      await h.call("GET", `${base}/records/C:2001`),
      200,
    );
    expect(before.name).toBe("Smith Plumbing");

    expectBadField(
      "fixError",
      await h.call("POST", `${base}/errors/${smith.id}/fix`, {
        action: "rename",
        params: { value: "Smith: Plumbing" },
      }),
      "params.value",
    );
    expectBadField(
      "fixError",
      await h.call("POST", `${base}/errors/${smith.id}/fix`, { action: "reactivate" }),
      "action",
    );
    expectBadField(
      "fixError",
      await h.call("POST", `${base}/errors/${smith.id}/fix`, { action: "dance" }),
      "action",
    );
    expectBadField(
      "fixError",
      await h.call("POST", `${base}/errors/${smith.id}/fix`, { action: "rename", oops: 1 }),
      "oops",
    );

    const done = await fix(smith.id, { action: "rename", params: { value } });
    expect(done).toMatchObject({ applied: true, queued: true, revalidated: { clean: true, findings: [] } });
    expect(done.resolved).toContain(smith.id);
    const after = expectContract<{ name: string }>(
      "getRecord",
      await h.call("GET", `${base}/records/C:2001`),
      200,
    );
    expect(after.name).toBe(value);
    expect((await errors("?ref=C:2001")).total).toBe(0);
    const audit = expectContract<{
      items: { actor: string; action: string; before: unknown; after: unknown }[];
    }>("listAudit", await h.call("GET", `${base}/audit?ref=C:2001`), 200);
    expect(audit.items[0]).toMatchObject({
      actor: "maria",
      action: "customer.renamed",
      before: { displayName: "Smith Plumbing" },
    });
    // Fixing it again: the problem is resolved.
    expect(
      (
        (await fix(
          smith.id,
          { action: "rename", params: { value: "Smith Plumbing 2" } },
          409,
        )) as unknown as { error: { code: string } }
      ).error.code,
    ).toBe("problem_resolved");
  });

  it("a 6240 at run time: link to the QBO customer of that name; the fault closes and the record is clean", async () => {
    const xeno = await find((e) => e.ref === "C:3001" && e.source === "qbo");
    const needsChoice = await fix(xeno.id, { action: "link", preview: true });
    expect(needsChoice.choices).toEqual([expect.objectContaining({ params: { qboId: xenoQboId } })]);
    expectBadField(
      "fixError",
      await h.call("POST", `${base}/errors/${xeno.id}/fix`, { action: "link" }),
      "params.qboId",
    );
    const done = await fix(xeno.id, { action: "link", params: { qboId: xenoQboId } });
    expect(done).toMatchObject({ applied: true, queued: true });
    expect(done.resolved).toContain(xeno.id);
    const rec = expectContract<{ link: { qboId: string } }>(
      "getRecord",
      await h.call("GET", `${base}/records/C:3001`),
      200,
    );
    expect(rec.link.qboId).toBe(xenoQboId);
  });

  it("closed books: change the date in the app; reactivate: made active in QBO itself", async () => {
    const closed = await find((e) => e.ref === "INV:77" && e.category === "closed-period");
    const dated = await fix(closed.id, { action: "change-date" });
    expect(dated.changes).toEqual([{ field: "txnDate", before: "2026-05-02", after: "2026-07-01" }]);
    expect(dated.revalidated!.findings.filter((f) => f.category === "closed-period")).toEqual([]);

    const inactive = await find((e) => e.ref === "INV:78" && e.category === "inactive-or-missing");
    expect(h.realm().get("Customer", dormantQboId)!["Active"]).toBe(false);
    const done = await fix(inactive.id, { action: "auto-repair" });
    expect(done).toMatchObject({ applied: true, action: "auto-repair" });
    expect(h.realm().get("Customer", dormantQboId)!["Active"]).toBe(true);
    expect(done.revalidated!.findings.filter((f) => f.category === "inactive-or-missing")).toEqual([]);
    const audit = expectContract<{ items: { action: string }[] }>(
      "listAudit",
      await h.call("GET", `${base}/audit?action=qbo.*`),
      200,
    );
    expect(audit.items.map((a) => a.action)).toContain("qbo.reactivated");
  });

  it("bulk: each fix answered on its own; the review item is accepted, an unknown id is a 404 in its slot", async () => {
    const review = await find((e) => e.source === "review");
    const res = expectContract<{
      results: { errorId: string; ok: boolean; error?: { code: string } }[];
      applied: number;
      failed: number;
    }>(
      "bulkFixErrors",
      await h.call("POST", `${base}/errors/fix`, {
        fixes: [
          { errorId: review.id, action: "accept-match" },
          { errorId: "nope", action: "requeue" },
        ],
      }),
      200,
    );
    expect(res).toMatchObject({ applied: 1, failed: 1 });
    expect(res.results[1]).toMatchObject({ errorId: "nope", ok: false, error: { code: "error_not_found" } });
    expect((await errors("?source=review")).total).toBe(0);
    expectBadField("bulkFixErrors", await h.call("POST", `${base}/errors/fix`, { fixes: [] }), "fixes");
    expectBadField(
      "bulkFixErrors",
      await h.call("POST", `${base}/errors/fix`, { fixes: [{ errorId: "x", action: "zap" }] }),
      "fixes[0].action",
    );
  });
});
