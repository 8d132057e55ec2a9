import { testDatabases } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  expectBadField,
  expectContract,
  startApiHarness,
  type ApiHarness,
} from "../test/api-harness.js";

type Page<T> = { items: T[]; nextCursor: string | null };
type Run = {
  id: string;
  status: string;
  counts: Record<string, number>;
  byEntity: Record<string, Record<string, number>>;
};

describe.each(testDatabases())("runs API over HTTP ($dialect)", (database) => {
  let h: ApiHarness;
  const base = "/api/v1/companies/acme";

  beforeAll(async () => {
    h = await startApiHarness(database);
    // The office typed the parent into QBO before the app's sync ran (seed 000).
    h.realm().create("Customer", {
      DisplayName: "Big Duplicating Co.",
      PrimaryEmailAddr: { Address: "accounts@bigdup.example" },
    });
    h.realm().create("Customer", {
      DisplayName: "Smith Plumbing",
      PrimaryEmailAddr: { Address: "office@smith-tx.example" },
      BillAddr: { Line1: "9 Ranch Rd", City: "Dallas", CountrySubDivisionCode: "TX", PostalCode: "75201" },
    });
    await h.put("customer", [
      { id: "1042", displayName: "Big Duplicating Co.", email: "accounts@bigdup.example", active: true },
      { id: "1043", parentId: "1042", displayName: "12 Elm St", active: true },
      {
        id: "2001",
        displayName: "Smith Plumbing",
        email: "hello@smithplumbing-or.example",
        billingAddress: { line1: "88 Alder St", city: "Portland", region: "OR", postalCode: "97204" },
        active: true,
      },
      { id: "3001", displayName: "Harbor Dental", email: "ap@harbor.example", active: true },
    ]);
    await h.put("item", [
      { id: "svc", name: "Copier service", type: "Service", unitPrice: "95.00", incomeAccount: "Services" },
    ]);
  });
  afterAll(() => h?.close());

  it("lists no runs before the first, and refuses bad paging with the field named", async () => {
    const empty = expectContract<Page<Run>>("listRuns", await h.call("GET", `${base}/runs`), 200);
    expect(empty).toEqual({ items: [], nextCursor: null });
    expectBadField("listRuns", await h.call("GET", `${base}/runs?limit=0`), "limit");
    expectBadField("listRuns", await h.call("GET", `${base}/runs?status=done`), "status");
    expectBadField("listRuns", await h.call("GET", `${base}/runs?cursor=bm9wZQ`), "cursor");
    expectContract("listRuns", await h.call("GET", "/api/v1/companies/nobody/runs"), 404);
  });

  it("plans a dry run: counts for the whole plan, a page of steps with reasons, nothing sent", async () => {
    const writes = h.realm().requestLog.filter((r) => r.method !== "GET").length;
    const plan = expectContract<{
      counts: Record<string, number>;
      totalSteps: number;
      items: { ref: string; action: string; reason: string; findings: unknown[] }[];
      nextCursor: string | null;
    }>("planRun", await h.call("POST", `${base}/runs/plan`), 200);
    expect(plan.totalSteps).toBe(5);
    expect(plan.items.map((s) => [s.ref, s.action])).toEqual([
      ["ITEM:svc", "create"],
      ["C:1042", "link"],
      ["C:1043", "create"],
      ["C:2001", expect.stringMatching(/blocked|held/)],
      ["C:3001", "create"],
    ]);
    expect(plan.counts.create).toBe(3);
    const blocked = plan.items.find((s) => s.ref === "C:2001")!;
    expect(blocked.findings.length).toBeGreaterThan(0);
    // Only creates, a page of one at a time.
    const first = expectContract<typeof plan>(
      "planRun",
      await h.call("POST", `${base}/runs/plan?action=create&limit=1`),
      200,
    );
    expect(first.items.map((s) => s.ref)).toEqual(["ITEM:svc"]);
    const second = expectContract<typeof plan>(
      "planRun",
      await h.call("POST", `${base}/runs/plan?action=create&limit=1&cursor=${first.nextCursor}`),
      200,
    );
    expect(second.items.map((s) => s.ref)).toEqual(["C:1043"]);
    const only = expectContract<typeof plan>(
      "planRun",
      await h.call("POST", `${base}/runs/plan`, { only: ["C:3001"] }),
      200,
    );
    expect(only.items.map((s) => s.ref)).toEqual(["C:3001"]);
    expect(h.realm().requestLog.filter((r) => r.method !== "GET").length).toBe(writes);
    expectBadField("planRun", await h.call("POST", `${base}/runs/plan`, { only: ["1042"] }), "only[0]");
    expectBadField(
      "planRun",
      await h.call("POST", `${base}/runs/plan`, { only: ["C:1"], extra: 1 }),
      "extra",
    );
    expectBadField("planRun", await h.call("POST", `${base}/runs/plan`, "{not json"), "(body)");
  });

  it("Sync Now answers 202 with the run id; the run is listed, with counts per outcome and entity, and its ops", async () => {
    const started = expectContract<{ runId: string; events: string; run: string }>(
      "startRun",
      await h.call("POST", `${base}/runs`),
      202,
    );
    expect(started.run).toBe(`${base}/runs/${started.runId}`);
    const run = await eventually(async () => {
      const r = expectContract<Run & { opsByState: Record<string, number>; active: boolean }>(
        "getRun",
        await h.call("GET", `${base}/runs/${started.runId}`),
        200,
      );
      return r.status === "running" ? undefined : r;
    });
    expect(run.status).toBe("succeeded");
    expect(run.counts).toMatchObject({ created: 3, linked: 1 });
    expect(run.byEntity["Customer"]).toMatchObject({ created: 2, linked: 1 });
    expect(run.byEntity["Item"]).toMatchObject({ created: 1 });
    expect(run.opsByState).toEqual({ confirmed: 4 });
    expect(run.active).toBe(false);

    const list = expectContract<Page<Run>>(
      "listRuns",
      await h.call("GET", `${base}/runs?status=succeeded`),
      200,
    );
    expect(list.items.map((r) => r.id)).toEqual([started.runId]);
    expect(
      expectContract<Page<Run>>("listRuns", await h.call("GET", `${base}/runs?status=failed`), 200).items,
    ).toEqual([]);

    const ops = expectContract<Page<{ seq: number; ref: string; state: string }>>(
      "listRunOps",
      await h.call("GET", `${base}/runs/${started.runId}/ops?limit=3`),
      200,
    );
    expect(ops.items.map((o) => o.ref)).toEqual(["ITEM:svc", "C:1042", "C:1043"]);
    const rest = expectContract<Page<{ ref: string }>>(
      "listRunOps",
      await h.call("GET", `${base}/runs/${started.runId}/ops?limit=3&cursor=${ops.nextCursor}`),
      200,
    );
    expect(rest).toEqual({ items: [expect.objectContaining({ ref: "C:3001" })], nextCursor: null });
    const one = expectContract<Page<{ ref: string }>>(
      "listRunOps",
      await h.call("GET", `${base}/runs/${started.runId}/ops?ref=C:1043`),
      200,
    );
    expect(one.items.map((o) => o.ref)).toEqual(["C:1043"]);
    expectBadField(
      "listRunOps",
      await h.call("GET", `${base}/runs/${started.runId}/ops?state=lost`),
      "state",
    );
    expectContract("listRunOps", await h.call("GET", `${base}/runs/nope/ops`), 404);
    expectContract("getRun", await h.call("GET", `${base}/runs/nope`), 404);
  });

  it("cancel: 404 for an unknown run, 409 for one that already finished", async () => {
    expectContract("cancelRun", await h.call("POST", `${base}/runs/nope/cancel`), 404);
    const [done] = expectContract<Page<Run>>("listRuns", await h.call("GET", `${base}/runs`), 200).items;
    const refused = expectContract<{ error: { code: string } }>(
      "cancelRun",
      await h.call("POST", `${base}/runs/${done!.id}/cancel`),
      409,
    );
    expect(refused.error.code).toBe("run_not_running");
  });

  it("syncs one record on request and says what happened to it", async () => {
    await h.put("customer", [{ id: "4001", displayName: "Quay Marine", active: true }]);
    const r = expectContract<{ ref: string; outcome: { outcome: string; qboId: string } }>(
      "syncRecord",
      await h.call("POST", `${base}/records/C:4001/sync`),
      200,
    );
    expect(r.outcome.outcome).toBe("created");
    expect(h.realm().get("Customer", r.outcome.qboId)).toMatchObject({ DisplayName: "Quay Marine" });
    // Percent-encoded references work the same.
    const again = expectContract<{ outcome: { outcome: string } }>(
      "syncRecord",
      await h.call("POST", `${base}/records/C%3A4001/sync`),
      200,
    );
    expect(again.outcome.outcome).toBe("skipped");
    expectContract("syncRecord", await h.call("POST", `${base}/records/C:9999/sync`), 404);
    expectBadField("syncRecord", await h.call("POST", `${base}/records/4001/sync`), "ref");
  });

  it("Sync Now and the dry run answer 409 needs_reconnect once QBO revoked the grant; nothing is lost", async () => {
    h.realm().revokeTokens();
    const refused = expectContract<{ error: { code: string; message: string } }>(
      "startRun",
      await h.call("POST", `${base}/runs`),
      409,
    );
    expect(refused.error.code).toBe("needs_reconnect");
    expect(refused.error.message).toMatch(/Reconnect/);
    const status = (await h.call<{ state: string }>("GET", `${base}/connection`)).body;
    expect(status.state).toBe("needs-reconnect");
    expect(
      expectContract<{ error: { code: string } }>("planRun", await h.call("POST", `${base}/runs/plan`), 409)
        .error.code,
    ).toBe("needs_reconnect");
  });
});
