import type { QueueEntryDto, ReviewItemDto } from "@ledgerlink/core";
import { testDatabases } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBadField, expectContract, startApiHarness, type ApiHarness } from "../test/api-harness.js";

type Page<T> = { items: T[]; nextCursor: string | null };

describe.each(testDatabases())(
  "queue, review, merges, records and audit over HTTP ($dialect)",
  (database) => {
    let h: ApiHarness;
    const base = "/api/v1/companies/acme";
    const qboIdOf = (name: string) =>
      String(
        h
          .realm()
          .list("Customer")
          .find((c) => c["DisplayName"] === name)!["Id"],
      );
    const queue = async (query = "") =>
      expectContract<Page<QueueEntryDto>>("listQueue", await h.call("GET", `${base}/queue${query}`), 200);

    beforeAll(async () => {
      h = await startApiHarness(database);
      h.realm().create("Customer", {
        DisplayName: "Harbour Dental Group",
        PrimaryEmailAddr: { Address: "hd@x.example" },
      });
      h.realm().create("Customer", { DisplayName: "Quay Marine Ltd" });
      h.realm().create("Customer", { DisplayName: "Old Duplicate Co" });
      await h.put("customer", [
        { id: "a1", displayName: "Alder Bakery", active: true },
        { id: "a2", displayName: "Birch Books", active: true },
      ]);
      await h.sync();
      await h.put("customer", [
        { id: "a1", displayName: "Alder Bakery", email: "new@alder.example", active: true },
        { id: "b1", displayName: "Cedar Cafe", active: true },
        { id: "b2", displayName: "Harbor Dental", active: true },
        { id: "b3", displayName: "Quay Marine", active: true },
        { id: "m1", displayName: "Dune Dental", email: "ap@dune.example", active: true },
        { id: "m2", displayName: "Dune Dental Care", phone: "555-201-7788", active: true },
      ]);
      await h.store.company("acme").deleteRecords("customer", ["a2"], new Date().toISOString());
    });
    afterAll(() => h?.close());

    it("Ready To Sync: new, changed and deleted records, filtered and paged", async () => {
      const all = await queue();
      expect(all.items.map((e) => [e.ref, e.reason, e.state])).toEqual([
        ["C:a1", "changed", "ready"],
        ["C:a2", "deleted", "ready"],
        ["C:b1", "new", "ready"],
        ["C:b2", "new", "ready"],
        ["C:b3", "new", "ready"],
        ["C:m1", "new", "ready"],
        ["C:m2", "new", "ready"],
      ]);
      expect(all.items[0]!.qboId).not.toBeNull();
      expect((await queue("?reason=changed")).items.map((e) => e.ref)).toEqual(["C:a1"]);
      const first = await queue("?limit=2");
      expect(first.items.map((e) => e.ref)).toEqual(["C:a1", "C:a2"]);
      const next = await queue(`?limit=2&cursor=${first.nextCursor}`);
      expect(next.items.map((e) => e.ref)).toEqual(["C:b1", "C:b2"]);
      expect((await queue("?kind=invoice")).items).toEqual([]);
      expectBadField("listQueue", await h.call("GET", `${base}/queue?state=stuck`), "state");
      expectBadField("listQueue", await h.call("GET", `${base}/queue?kind=C`), "kind");
    });

    it("hold, remove and release one record or many; each change is audited", async () => {
      const held = expectContract<{ state: string; changed: boolean }>(
        "holdQueueRecord",
        await h.call(
          "POST",
          `${base}/queue/C:b1/hold`,
          { reason: "waiting for the signed contract" },
          { "x-ledgerlink-actor": "maria" },
        ),
        200,
      );
      expect(held).toEqual({ ref: "C:b1", state: "held", changed: true });
      expect((await queue("?state=held")).items).toEqual([
        expect.objectContaining({
          ref: "C:b1",
          hold: expect.objectContaining({ reason: "waiting for the signed contract", by: "maria" }),
        }),
      ]);
      expectContract("removeQueueRecord", await h.call("POST", `${base}/queue/C:b2/remove`), 200);
      expect((await queue("?state=removed")).items.map((e) => e.ref)).toEqual(["C:b2"]);
      expect(
        expectContract<{ changed: boolean }>(
          "releaseQueueRecord",
          await h.call("POST", `${base}/queue/C:b2/release`),
          200,
        ).changed,
      ).toBe(true);
      expect(
        expectContract<{ changed: boolean }>(
          "releaseQueueRecord",
          await h.call("POST", `${base}/queue/C:b2/release`),
          200,
        ).changed,
      ).toBe(false);

      const bulk = expectContract<{ results: { ref: string; ok: boolean; error?: { code: string } }[] }>(
        "bulkQueueAction",
        await h.call("POST", `${base}/queue/bulk`, { action: "hold", refs: ["C:b3", "C:zz", "C:m1"] }),
        200,
      );
      expect(bulk.results.map((r) => [r.ref, r.ok])).toEqual([
        ["C:b3", true],
        ["C:zz", false],
        ["C:m1", true],
      ]);
      expect(bulk.results[1]!.error!.code).toBe("record_not_found");
      expectContract(
        "bulkQueueAction",
        await h.call("POST", `${base}/queue/bulk`, { action: "release", refs: ["C:b3", "C:m1", "C:b1"] }),
        200,
      );
      expect((await queue("?state=held")).items).toEqual([]);

      const audit = expectContract<Page<{ action: string; actor: string; ref: string }>>(
        "listAudit",
        await h.call("GET", `${base}/audit?action=queue.*&ref=C:b1`),
        200,
      );
      expect(audit.items.map((a) => a.action)).toEqual(["queue.release", "queue.hold"]);
      expect(audit.items[1]!.actor).toBe("maria");

      expectContract("holdQueueRecord", await h.call("POST", `${base}/queue/C:nope/hold`), 404);
      expectBadField("holdQueueRecord", await h.call("POST", `${base}/queue/b1/hold`), "ref");
      expectBadField(
        "holdQueueRecord",
        await h.call("POST", `${base}/queue/C:b1/hold`, { reason: "" }),
        "reason",
      );
      expectBadField(
        "releaseQueueRecord",
        await h.call("POST", `${base}/queue/C:b1/release`, { reason: "x" }),
        "reason",
      );
      expectBadField(
        "bulkQueueAction",
        await h.call("POST", `${base}/queue/bulk`, { action: "pause", refs: ["C:b1"] }),
        "action",
      );
      expectBadField(
        "bulkQueueAction",
        await h.call("POST", `${base}/queue/bulk`, { action: "hold", refs: [] }),
        "refs",
      );
      expectBadField(
        "bulkQueueAction",
        await h.call("POST", `${base}/queue/bulk`, { action: "hold", refs: ["C:b1", "b2"] }),
        "refs[1]",
      );
    });

    it("review: list side by side, accept, reject, link, create new, mark a QBO duplicate inactive", async () => {
      const company = h.store.company("acme");
      // Pull QBO's customers into the mirror (a dry run), then two pairs the matcher was unsure of.
      expectContract("planRun", await h.call("POST", `${base}/runs/plan?limit=1`), 200);
      await company.review.saveReviewSuggestions(
        "run-1",
        [
          { localId: "b2", qboId: qboIdOf("Harbour Dental Group"), score: 0.8, reasons: ["name similar"] },
          { localId: "b3", qboId: qboIdOf("Quay Marine Ltd"), score: 0.78, reasons: ["name similar"] },
        ],
        new Date().toISOString(),
      );
      const page = expectContract<Page<ReviewItemDto>>(
        "listReviewItems",
        await h.call("GET", `${base}/review?limit=1`),
        200,
      );
      expect(page.items).toHaveLength(1);
      expect(page.nextCursor).not.toBeNull();
      const rest = expectContract<Page<ReviewItemDto>>(
        "listReviewItems",
        await h.call("GET", `${base}/review?cursor=${page.nextCursor}`),
        200,
      );
      const [harbor, quay] = [...page.items, ...rest.items].sort((a, b) =>
        a.localId.localeCompare(b.localId),
      );
      expect(harbor).toMatchObject({
        ref: "C:b2",
        local: { name: "Harbor Dental" },
        qbo: { name: "Harbour Dental Group", email: "hd@x.example", active: true },
      });
      expect(
        expectContract<ReviewItemDto>(
          "getReviewItem",
          await h.call("GET", `${base}/review/${harbor!.id}`),
          200,
        ).id,
      ).toBe(harbor!.id);

      const accepted = expectContract<{ ref: string; decision: { decision: string } }>(
        "acceptReviewItem",
        await h.call("POST", `${base}/review/${harbor!.id}/accept`),
        200,
      );
      expect(accepted).toMatchObject({ ref: "C:b2", decision: { decision: "link" } });
      expect(
        expectContract<{ error: { code: string } }>(
          "acceptReviewItem",
          await h.call("POST", `${base}/review/${harbor!.id}/accept`),
          409,
        ).error.code,
      ).toBe("item-resolved");
      expectContract("rejectReviewItem", await h.call("POST", `${base}/review/${quay!.id}/reject`), 200);
      expectContract("acceptReviewItem", await h.call("POST", `${base}/review/nope/accept`), 404);
      expectContract("getReviewItem", await h.call("GET", `${base}/review/nope`), 404);

      const linked = expectContract<{ decision: { decision: string; qboId: string } }>(
        "linkCustomer",
        await h.call("POST", `${base}/review/link`, { localId: "b3", qboId: qboIdOf("Quay Marine Ltd") }),
        200,
      );
      expect(linked.decision).toMatchObject({ decision: "link", qboId: qboIdOf("Quay Marine Ltd") });
      expect(
        expectContract<{ error: { code: string } }>(
          "linkCustomer",
          await h.call("POST", `${base}/review/link`, { localId: "b1", qboId: qboIdOf("Quay Marine Ltd") }),
          409,
        ).error.code,
      ).toBe("qbo-already-linked");
      expectContract(
        "linkCustomer",
        await h.call("POST", `${base}/review/link`, { localId: "b1", qboId: "999999" }),
        404,
      );
      expectContract(
        "linkCustomer",
        await h.call("POST", `${base}/review/link`, { localId: "zz", qboId: qboIdOf("Old Duplicate Co") }),
        404,
      );
      expectBadField("linkCustomer", await h.call("POST", `${base}/review/link`, { localId: "b1" }), "qboId");
      expectBadField(
        "linkCustomer",
        await h.call("POST", `${base}/review/link`, { localId: " ", qboId: "1" }),
        "localId",
      );

      expectContract(
        "rejectPair",
        await h.call("POST", `${base}/review/reject`, { localId: "b1", qboId: qboIdOf("Old Duplicate Co") }),
        200,
      );
      expectContract(
        "createNewCustomer",
        await h.call("POST", `${base}/review/create-new`, { localId: "b1" }),
        200,
      );
      expectContract(
        "createNewCustomer",
        await h.call("POST", `${base}/review/create-new`, { localId: "nobody" }),
        404,
      );
      expectContract(
        "createNewCustomer",
        await h.call("POST", `${base}/review/create-new`, { localId: "b3" }),
        409,
      );
      const inactive = expectContract<{ decision: { decision: string } }>(
        "markQboCustomerInactive",
        await h.call("POST", `${base}/review/qbo-inactive`, {
          qboId: qboIdOf("Old Duplicate Co"),
          duplicateOf: "b1",
        }),
        200,
      );
      expect(inactive.decision.decision).toBe("qbo-inactivate");
      expectContract(
        "markQboCustomerInactive",
        await h.call("POST", `${base}/review/qbo-inactive`, { qboId: qboIdOf("Quay Marine Ltd") }),
        409,
      );
      expectContract(
        "markQboCustomerInactive",
        await h.call("POST", `${base}/review/qbo-inactive`, { qboId: "424242" }),
        404,
      );
      expectBadField(
        "markQboCustomerInactive",
        await h.call("POST", `${base}/review/qbo-inactive`, {}),
        "qboId",
      );
    });

    it("merges: merge two customers, list, undo exactly once", async () => {
      const merged = expectContract<{ mergeId: string; changed: string[] }>(
        "mergeCustomers",
        await h.call(
          "POST",
          `${base}/merges`,
          { survivorId: "m1", mergedId: "m2" },
          { "x-ledgerlink-actor": "sam" },
        ),
        201,
      );
      expect(merged.changed).toContain("C:m2");
      const m1 = expectContract<{ data: { phone?: string } }>(
        "getRecord",
        await h.call("GET", `${base}/records/C:m1`),
        200,
      );
      expect(m1.data.phone).toBe("555-201-7788");
      expectContract("getRecord", await h.call("GET", `${base}/records/C:m2`), 404);
      const list = expectContract<Page<{ mergeId: string; undoneAt: string | null; actor: string }>>(
        "listMerges",
        await h.call("GET", `${base}/merges?customerId=m2`),
        200,
      );
      expect(list.items).toEqual([
        expect.objectContaining({ mergeId: merged.mergeId, undoneAt: null, actor: "sam" }),
      ]);
      const undone = expectContract<{ restored: string[] }>(
        "undoMerge",
        await h.call("POST", `${base}/merges/${merged.mergeId}/undo`),
        200,
      );
      expect(undone.restored).toContain("C:m2");
      expectContract("getRecord", await h.call("GET", `${base}/records/C:m2`), 200);
      expect(
        expectContract<{ error: { code: string } }>(
          "undoMerge",
          await h.call("POST", `${base}/merges/${merged.mergeId}/undo`),
          409,
        ).error.code,
      ).toBe("merge-undone");
      expect(
        expectContract<Page<unknown>>("listMerges", await h.call("GET", `${base}/merges?undone=false`), 200)
          .items,
      ).toEqual([]);
      expectContract("undoMerge", await h.call("POST", `${base}/merges/nope/undo`), 404);
      expectContract(
        "mergeCustomers",
        await h.call("POST", `${base}/merges`, { survivorId: "m1", mergedId: "zz" }),
        404,
      );
      expectBadField(
        "mergeCustomers",
        await h.call("POST", `${base}/merges`, { survivorId: "m1", mergedId: "m1" }),
        "mergedId",
      );
      expectBadField(
        "mergeCustomers",
        await h.call("POST", `${base}/merges`, { survivorId: "m1" }),
        "mergedId",
      );
      expectBadField("listMerges", await h.call("GET", `${base}/merges?undone=maybe`), "undone");
    });

    it("records: list with filters, one with its link and hold; the audit log pages and filters", async () => {
      const linked = expectContract<Page<{ ref: string; qboId: string | null }>>(
        "listRecords",
        await h.call("GET", `${base}/records?kind=customer&linked=true`),
        200,
      );
      expect(linked.items.map((r) => r.ref)).toEqual(["C:a1", "C:a2", "C:b2", "C:b3"]);
      expect(
        (await h.call<Page<{ ref: string }>>("GET", `${base}/records?deleted=true`)).body.items.map(
          (r) => r.ref,
        ),
      ).toEqual(["C:a2"]);
      const a1 = expectContract<{
        link: { qboId: string };
        hold: unknown;
        openErrors: number;
        data: { email: string };
      }>("getRecord", await h.call("GET", `${base}/records/C:a1`), 200);
      expect(a1).toMatchObject({ hold: null, openErrors: 0, data: { email: "new@alder.example" } });
      expect(a1.link.qboId).toBeTruthy();
      expectBadField("listRecords", await h.call("GET", `${base}/records?linked=yes`), "linked");
      expectBadField("getRecord", await h.call("GET", `${base}/records/X:1`), "ref");

      const all = expectContract<Page<{ id: string }>>(
        "listAudit",
        await h.call("GET", `${base}/audit?limit=500`),
        200,
      );
      const firstTwo = expectContract<Page<{ id: string }>>(
        "listAudit",
        await h.call("GET", `${base}/audit?limit=2`),
        200,
      );
      const next = expectContract<Page<{ id: string }>>(
        "listAudit",
        await h.call("GET", `${base}/audit?limit=2&cursor=${firstTwo.nextCursor}`),
        200,
      );
      expect([...firstTwo.items, ...next.items].map((a) => a.id)).toEqual(
        all.items.slice(0, 4).map((a) => a.id),
      );
      const bySam = expectContract<Page<{ actor: string }>>(
        "listAudit",
        await h.call("GET", `${base}/audit?actor=sam`),
        200,
      );
      expect(bySam.items.length).toBeGreaterThan(0);
      expect(bySam.items.every((a) => a.actor === "sam")).toBe(true);
      const future = expectContract<Page<unknown>>(
        "listAudit",
        await h.call("GET", `${base}/audit?since=2999-01-01T00:00:00Z`),
        200,
      );
      expect(future.items).toEqual([]);
      expectBadField("listAudit", await h.call("GET", `${base}/audit?since=yesterday`), "since");
      expectContract("listAudit", await h.call("GET", "/api/v1/companies/ghost/audit"), 404);
    });
  },
);
