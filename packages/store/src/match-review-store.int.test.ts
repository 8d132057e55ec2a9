import type { Customer } from "@ledgerlink/core";
import type { Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { CompanyStore } from "./company-store.js";
import { ReviewConflictError, ReviewInputError, ReviewNotFoundError } from "./match-review-store-errors.js";
import { openDatabase } from "./open-database.js";
import type { Database } from "./schema.js";
import { testDatabases } from "./test-databases.js";

const customer = (id: string, displayName: string, extra: Partial<Customer> = {}): Customer => ({
  id,
  displayName,
  active: true,
  ...extra,
});

const suggestion = (localId: string, qboId: string, score = 0.8) => ({
  localId,
  qboId,
  score,
  reasons: ["name 0.93", "same postcode"],
});

/** Resolves to the error a promise rejects with (fails the test if it resolves). */
async function refusal(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a refusal, but the action succeeded");
}

// One contract, every dialect: the same assertions run on SQLite and PostgreSQL.
describe.each(testDatabases())("match review store on $dialect", (database) => {
  let db: Kysely<Database> | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  const open = async () => {
    const opened = await openDatabase(database.fresh());
    db = opened.db;
    for (const id of ["acme", "other"])
      await db.insertInto("companies").values({ id, name: id, created_at: "t0" }).execute();
    const company = new CompanyStore(db, "acme");
    await company.upsertCustomers(
      [
        customer("1", "Big Duplicating Co."),
        customer("2", "Jane Doe", { givenName: "Jane", middleName: "Quinn", familyName: "Doe" }),
        customer("3", "Acme Plumbing", { billingAddress: { line1: "1 Market St" } }),
        customer("4", "Oak Site"),
      ],
      "t0",
    );
    return { company, review: company.review, db: opened.db };
  };

  const audit = (d: Kysely<Database>) =>
    d.selectFrom("audit_events").selectAll().where("company_id", "=", "acme").orderBy("id").execute();
  const links = (d: Kysely<Database>) =>
    d.selectFrom("links").selectAll().where("company_id", "=", "acme").orderBy("local_id").execute();

  it("opens review items idempotently and pages through the open ones", async () => {
    const { review } = await open();
    const first = await review.saveReviewSuggestions(
      "run-1",
      [suggestion("1", "57"), suggestion("2", "60"), suggestion("3", "61"), suggestion("1", "57")],
      "2026-01-01T00:00:00.000Z",
    );
    expect(first).toEqual({ opened: 3, refreshed: 0, skipped: [] });
    const again = await review.saveReviewSuggestions(
      "run-2",
      [suggestion("1", "57", 0.9)],
      "2026-01-02T00:00:00.000Z",
    );
    expect(again).toEqual({ opened: 0, refreshed: 1, skipped: [] });

    const page1 = await review.listOpenReviewItems({ limit: 2 });
    expect(page1.items.map((i) => [i.ref, i.qboId])).toEqual([
      ["C:1", "57"],
      ["C:2", "60"],
    ]);
    // Refreshed, not duplicated: the newer score and run, the first opening time.
    expect(page1.items[0]).toMatchObject({
      score: 0.9,
      runId: "run-2",
      openedAt: "2026-01-01T00:00:00.000Z",
      status: "open",
      reasons: ["name 0.93", "same postcode"],
    });
    expect(page1.nextCursor).toBe(page1.items[1]!.id);
    const page2 = await review.listOpenReviewItems({ limit: 2, cursor: page1.nextCursor! });
    expect(page2).toEqual({ items: [expect.objectContaining({ ref: "C:3", qboId: "61" })] });

    expect((await review.listMatchDecisions()).map((d) => [d.decision, d.localId, d.qboId])).toEqual([
      ["review", "1", "57"],
      ["review", "2", "60"],
      ["review", "3", "61"],
    ]);
    expect(await new CompanyStore(db!, "other").review.listOpenReviewItems()).toEqual({ items: [] });
  });

  it("keeps one open item per pair when two runs suggest it at once", async () => {
    const { review } = await open();
    const results = await Promise.all([
      review.saveReviewSuggestions("run-a", [suggestion("1", "57")], "t1"),
      review.saveReviewSuggestions("run-b", [suggestion("1", "57")], "t1"),
    ]);
    expect(results.map((r) => r.opened).sort()).toEqual([0, 1]);
    expect((await review.listOpenReviewItems()).items).toHaveLength(1);
  });

  it("refuses bad suggestions naming the field and the record, writing nothing", async () => {
    const { review } = await open();
    const err = await refusal(
      review.saveReviewSuggestions("run-1", [suggestion("1", "57"), suggestion("2", "60", 1.5)], "t1"),
    );
    expect(err).toBeInstanceOf(ReviewInputError);
    expect(err).toMatchObject({ name: "ReviewInputError", field: "score", ref: "C:2" });
    expect(err.message).toMatch(/suggestion #2 \(C:2\).*score/);
    expect((await review.listOpenReviewItems()).items).toEqual([]);
  });

  it("accepts a suggestion: links with an empty fingerprint, closes the item, records and audits it", async () => {
    const { review, db: d } = await open();
    await review.saveReviewSuggestions("run-1", [suggestion("1", "57"), suggestion("4", "57")], "t1");
    const [item] = (await review.listOpenReviewItems()).items;
    const result = await review.acceptSuggestion(item!.id, { actor: "ann", at: "2026-01-03T00:00:00.000Z" });
    expect(result.ref).toBe("C:1");
    expect(result.decision).toEqual({
      localId: "1",
      qboId: "57",
      decision: "link",
      score: 0.8,
      reasons: ["name 0.93", "same postcode"],
      actor: "ann",
      at: "2026-01-03T00:00:00.000Z",
    });
    expect(await links(d)).toEqual([
      {
        company_id: "acme",
        entity: "customer",
        local_id: "1",
        qbo_id: "57",
        sync_token: "",
        fingerprint: "",
        last_synced_at: "",
      },
    ]);
    // The other local customer's suggestion for the same QBO customer is closed too: 57 is taken.
    expect(result.closedItems).toHaveLength(2);
    expect((await review.listOpenReviewItems()).items).toEqual([]);
    expect(await review.getReviewItem(item!.id)).toMatchObject({ status: "accepted", resolvedBy: "ann" });
    expect(await review.listMatchDecisions()).toEqual([result.decision]);
    const [entry] = await audit(d);
    expect(entry).toMatchObject({ ref: "C:1", action: "match.suggestion.accepted", actor: "ann" });
    expect(JSON.parse(entry!.detail)).toMatchObject({
      qboId: "57",
      before: { link: null },
      after: { link: { qboId: "57", fingerprint: "" } },
    });

    const again = await refusal(review.acceptSuggestion(item!.id, { actor: "bob" }));
    expect(again).toBeInstanceOf(ReviewConflictError);
    expect(again).toMatchObject({ reason: "item-resolved", ref: "C:1" });
    expect(again.message).toMatch(/already resolved \(accepted\) by ann/);
  });

  it("keeps links one-to-one and writes nothing when it refuses", async () => {
    const { review, db: d } = await open();
    await review.linkToQbo({ localId: "1", qboId: "57", actor: "ann" });
    const before = { links: await links(d), audit: await audit(d) };

    const taken = await refusal(review.linkToQbo({ localId: "2", qboId: "57", actor: "ann" }));
    expect(taken).toBeInstanceOf(ReviewConflictError);
    expect(taken).toMatchObject({ name: "ReviewConflictError", reason: "qbo-already-linked", ref: "C:2" });
    expect(taken.message).toMatch(/QBO customer 57 is already linked to C:1/);

    const mine = await refusal(review.linkToQbo({ localId: "1", qboId: "58", actor: "ann" }));
    expect(mine).toMatchObject({ reason: "local-already-linked", ref: "C:1" });
    expect(mine.message).toMatch(/C:1 is already linked to QBO customer 57, not 58/);

    const missing = await refusal(review.linkToQbo({ localId: "404", qboId: "99", actor: "ann" }));
    expect(missing).toBeInstanceOf(ReviewNotFoundError);
    expect(missing).toMatchObject({ ref: "C:404", field: "localId" });

    const noItem = await refusal(review.acceptSuggestion("nope", { actor: "ann" }));
    expect(noItem).toMatchObject({ name: "ReviewNotFoundError", field: "itemId" });

    const blank = await refusal(review.linkToQbo({ localId: "2", qboId: " ", actor: "ann" }));
    expect(blank).toMatchObject({ name: "ReviewInputError", field: "qboId", ref: "C:2" });

    expect({ links: await links(d), audit: await audit(d) }).toEqual(before);
  });

  it("rejects a pair for good: it is never suggested again, and a linked pair cannot be rejected", async () => {
    const { review, db: d } = await open();
    await review.saveReviewSuggestions("run-1", [suggestion("2", "60")], "t1");
    const [item] = (await review.listOpenReviewItems()).items;
    const result = await review.rejectSuggestion(item!.id, { actor: "ann", at: "t2" });
    expect(result.decision).toMatchObject({ decision: "reject", localId: "2", qboId: "60", actor: "ann" });
    expect(await review.getReviewItem(item!.id)).toMatchObject({ status: "rejected" });

    const later = await review.saveReviewSuggestions("run-2", [suggestion("2", "60", 0.95)], "t3");
    expect(later).toEqual({
      opened: 0,
      refreshed: 0,
      skipped: [{ localId: "2", qboId: "60", reason: "rejected" }],
    });
    expect((await review.listOpenReviewItems()).items).toEqual([]);
    expect(await review.listMatchDecisions()).toEqual([result.decision]);
    expect((await audit(d)).map((a) => a.action)).toEqual(["match.suggestion.rejected"]);

    await review.linkToQbo({ localId: "3", qboId: "61", actor: "ann" });
    const linked = await refusal(review.rejectPair({ localId: "3", qboId: "61", actor: "ann" }));
    expect(linked).toMatchObject({ name: "ReviewConflictError", reason: "pair-linked", ref: "C:3" });
  });

  it("creates new on request, superseded by a later link, and refused for a linked customer", async () => {
    const { review } = await open();
    await review.saveReviewSuggestions("run-1", [suggestion("2", "60")], "t1");
    const created = await review.createNew({ localId: "2", actor: "ann", at: "t2" });
    expect(created.decision).toEqual({ localId: "2", decision: "new", actor: "ann", at: "t2" });
    expect(created.closedItems).toHaveLength(1);
    expect(await review.listMatchDecisions()).toEqual([created.decision]);
    expect(await review.saveReviewSuggestions("run-2", [suggestion("2", "60")], "t3")).toMatchObject({
      skipped: [{ reason: "create-new" }],
    });

    const linked = await review.linkToQbo({ localId: "2", qboId: "62", actor: "bob", at: "t4" });
    expect(await review.listMatchDecisions()).toEqual([linked.decision]);
    const refused = await refusal(review.createNew({ localId: "2", actor: "ann" }));
    expect(refused).toMatchObject({
      name: "ReviewConflictError",
      reason: "local-already-linked",
      ref: "C:2",
    });
  });

  it("marks a QBO duplicate inactive, closing its items, and refuses while it is linked", async () => {
    const { review, db: d } = await open();
    await review.saveReviewSuggestions("run-1", [suggestion("1", "57"), suggestion("4", "58")], "t1");
    const result = await review.markQboInactive({ qboId: "58", duplicateOf: "1", actor: "ann", at: "t2" });
    expect(result.decision).toEqual({
      localId: "",
      qboId: "58",
      decision: "qbo-inactivate",
      actor: "ann",
      at: "t2",
    });
    expect(result.ref).toBe("C:1");
    expect((await review.listOpenReviewItems()).items.map((i) => i.qboId)).toEqual(["57"]);
    expect((await review.listMatchDecisions()).map((x) => x.decision)).toEqual(["review", "qbo-inactivate"]);
    const entry = (await audit(d)).find((a) => a.action === "match.qbo-inactivate")!;
    expect(JSON.parse(entry.detail)).toMatchObject({
      qboId: "58",
      duplicateOf: "1",
      before: { active: true },
      after: { active: false },
    });

    await review.linkToQbo({ localId: "3", qboId: "61", actor: "ann" });
    const refused = await refusal(review.markQboInactive({ qboId: "61", actor: "ann" }));
    expect(refused).toMatchObject({
      name: "ReviewConflictError",
      reason: "qbo-already-linked",
      ref: "QBO-C:61",
    });
    expect(refused.message).toMatch(/linked to C:3/);
  });

  it("leaves out open items whose customer was linked by a sync or no longer exists", async () => {
    const { review, company } = await open();
    await review.saveReviewSuggestions("run-1", [suggestion("1", "57"), suggestion("2", "60")], "t1");
    await company.saveCustomerLink({
      localId: "9",
      qboId: "57",
      syncToken: "0",
      fingerprint: "f",
      lastSyncedAt: "t",
    });
    await company.deleteRecords("customer", ["2"], "t2");
    expect((await review.listOpenReviewItems()).items).toEqual([]);
    expect(await review.listMatchDecisions()).toEqual([]);
  });

  it("previews collision renames and applies one, audited with the record before and after", async () => {
    const { review, company, db: d } = await open();
    const qboNames = ["Jane Q. Doe", "Jane Doe 2", "Big Duplicating Co."];
    const proposals = await review.previewCollisionRenames({ localId: "2", qboNames });
    // "Jane Q. Doe" and "Jane Doe 2" are taken in QBO: the preview offers neither.
    expect(proposals).toEqual([{ kind: "number", name: "Jane Doe 3" }]);
    expect(await review.previewCollisionRenames({ localId: "3", qboNames })).toEqual([
      { kind: "street-address", name: "Acme Plumbing - 1 Market St" },
      { kind: "number", name: "Acme Plumbing 2" },
    ]);

    const result = await review.applyCollisionRename({
      localId: "2",
      name: "Jane Doe 3",
      qboNames,
      actor: "ann",
      at: "t5",
    });
    expect(result).toEqual({ ref: "C:2", before: "Jane Doe", after: "Jane Doe 3" });
    const stored = await company.listCustomers();
    expect(stored.find((c) => c.id === "2")).toEqual(
      customer("2", "Jane Doe 3", { givenName: "Jane", middleName: "Quinn", familyName: "Doe" }),
    );
    const row = await d
      .selectFrom("records")
      .select(["name", "updated_at"])
      .where("company_id", "=", "acme")
      .where("kind", "=", "customer")
      .where("id", "=", "2")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ name: "Jane Doe 3", updated_at: "t5" });
    const entry = (await audit(d)).find((a) => a.action === "customer.renamed")!;
    expect(entry.ref).toBe("C:2");
    expect(JSON.parse(entry.detail)).toMatchObject({
      before: { displayName: "Jane Doe", record: { displayName: "Jane Doe" } },
      after: { displayName: "Jane Doe 3", record: { displayName: "Jane Doe 3" } },
    });

    const taken = await refusal(
      review.applyCollisionRename({ localId: "4", name: "acme  PLUMBING", qboNames, actor: "ann" }),
    );
    expect(taken).toMatchObject({ name: "ReviewConflictError", reason: "name-taken", ref: "C:4" });
    expect(taken.message).toMatch(/already the name of C:3/);
    const inQbo = await refusal(
      review.applyCollisionRename({ localId: "4", name: "Jane Q. Doe", qboNames, actor: "ann" }),
    );
    expect(inQbo).toMatchObject({ reason: "name-taken" });
    const colon = await refusal(
      review.applyCollisionRename({ localId: "4", name: "Oak: Site", qboNames, actor: "ann" }),
    );
    expect(colon).toMatchObject({ name: "ReviewInputError", field: "name", ref: "C:4" });
    const long = await refusal(
      review.applyCollisionRename({ localId: "4", name: "x".repeat(101), qboNames, actor: "ann" }),
    );
    expect(long).toMatchObject({ name: "ReviewInputError", field: "name" });
    expect((await company.listCustomers()).find((c) => c.id === "4")!.displayName).toBe("Oak Site");
  });
});
