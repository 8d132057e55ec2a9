import type { OutboxOp, RecordRef, SyncRunSummary } from "@ledgerlink/core";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./store.js";
import { testDatabases } from "./test-databases.js";

const T = (minute: number) => `2026-11-21T10:${String(minute).padStart(2, "0")}:00.000Z`;

const op = (ref: string, runId: string): OutboxOp => ({
  id: `op-${ref}-${runId}`,
  runId,
  seq: 1,
  ref: ref as RecordRef,
  entity: ref.startsWith("INV:") ? "Invoice" : "Customer",
  action: "create",
  state: "sent",
  requestId: `rq-${ref}-${runId}`,
  needs: [],
});

const summary = (id: string, startedAt: string, created: number): SyncRunSummary => ({
  id,
  companyId: "acme",
  trigger: "schedule",
  startedAt,
  finishedAt: startedAt.replace(":00.000Z", ":30.000Z"),
  status: "succeeded",
  counts: {
    created,
    linked: 1,
    updated: 0,
    reactivated: 0,
    inactivated: 0,
    deleted: 0,
    skipped: 0,
    held: 0,
    blocked: 0,
    failed: 0,
    pending: 0,
  },
  byEntity: {},
  operations: created,
  calls: 1,
  throttleWaitMs: 0,
});

// One contract, every dialect.
describe.each(testDatabases())("report store on $dialect", (database) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  const open = async () => {
    store = await openStore(database.fresh());
    await store.ensureCompany("acme", "Acme Plumbing");
    await store.ensureCompany("other", "Other Co");
    return store;
  };

  it("lists the problems open at a moment, with the record's name, sorted the same on every dialect", async () => {
    const st = await open();
    const acme = st.company("acme");
    await acme.upsertRecords("customer", [{ id: "1", displayName: "Big Co", active: true }], T(0));
    await acme.upsertRecords(
      "invoice",
      [{ id: "77", docNumber: "A-77", customerId: "1", txnDate: "2026-11-02", lines: [] }],
      T(0),
    );
    const sync = acme.sync;
    await sync.failOp(op("C:1", "r1"), { category: "duplicate", message: "name taken", code: "6240" }, T(1));
    await sync.failOp(
      op("INV:77", "r1"),
      { category: "closed-period", message: "books closed", code: "6210" },
      T(2),
    );
    await sync.failOp(op("C:9", "r1"), { category: "other", message: "gone" }, T(2));
    // C:1 synced at minute 3, failed again at minute 4.
    await sync.confirmOps(
      [
        {
          op: op("C:1", "r2"),
          link: {
            ref: "C:1" as RecordRef,
            qboId: "58",
            syncToken: "0",
            fingerprint: "f",
            lastSyncedAt: T(3),
          },
        },
      ],
      T(3),
    );
    await sync.failOp(
      op("C:1", "r3"),
      { category: "stale", message: "changed meanwhile", code: "5010" },
      T(4),
    );
    await st.company("other").sync.failOp(op("C:1", "x"), { category: "other", message: "not acme's" }, T(1));

    const refsAt = async (at: string) => (await acme.reports.errorsOpenAt(at)).map((e) => [e.ref, e.code]);
    expect(await refsAt("2026-11-21T09:00:00.000Z")).toEqual([]);
    expect(await refsAt(T(1))).toEqual([["C:1", "6240"]]);
    expect(await refsAt(T(2))).toEqual([
      ["INV:77", "6210"],
      ["C:1", "6240"],
      ["C:9", null],
    ]);
    expect(await refsAt(T(3))).toEqual([
      ["INV:77", "6210"],
      ["C:9", null],
    ]);
    const now = await acme.reports.errorsOpenAt(T(5));
    expect(now.map((e) => [e.ref, e.category, e.name, e.runId])).toEqual([
      ["INV:77", "closed-period", "A-77", "r1"],
      ["C:9", "other", null, "r1"],
      ["C:1", "stale", "Big Co", "r3"],
    ]);
    expect(now[2]).toMatchObject({ source: "qbo", message: "changed meanwhile", createdAt: T(4) });
  });

  it("finds a run's auto-repairs by the run id in their detail, taking _ and % literally", async () => {
    const st = await open();
    const sync = st.company("acme").sync;
    const repair = (runId: string, action = "auto-repair:trim-spaces") =>
      sync.audit({
        ref: "C:1" as RecordRef,
        action,
        actor: "ledgerlink",
        detail: {
          rule: "spaces",
          summary: "Removed extra spaces",
          field: "displayName",
          before: "a ",
          after: "a",
          runId,
        },
      });
    await repair("r_1");
    await repair("rx1");
    await repair("r%1");
    await repair("r_1", "queue.hold");
    await st.company("other").sync.audit({
      ref: "C:1" as RecordRef,
      action: "auto-repair:trim-spaces",
      actor: "ledgerlink",
      detail: { runId: "r_1" },
    });
    const found = await st.company("acme").reports.repairsOfRun("r_1");
    expect(found).toEqual([
      {
        at: expect.any(String),
        ref: "C:1",
        action: "trim-spaces",
        detail: {
          rule: "spaces",
          summary: "Removed extra spaces",
          field: "displayName",
          before: "a ",
          after: "a",
          runId: "r_1",
        },
      },
    ]);
    expect((await st.company("acme").reports.repairsOfRun("r%1")).map((r) => r.detail["runId"])).toEqual([
      "r%1",
    ]);
    expect(await st.company("acme").reports.repairsOfRun("r")).toEqual([]);

    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    expect((await st.company("acme").reports.repairsBetween(from, to)).map((r) => r.detail["runId"])).toEqual(
      ["r_1", "rx1", "r%1"],
    );
    expect(await st.company("acme").reports.repairsBetween("2020-01-01T00:00:00.000Z", from)).toEqual([]);
  });

  it("lists the runs that started in [from, to), oldest first, with their summaries", async () => {
    const st = await open();
    const sync = st.company("acme").sync;
    await sync.startRun(summary("b", T(20), 2));
    await sync.startRun(summary("a", T(10), 1));
    await sync.startRun(summary("c", T(30), 3));
    await st.company("other").sync.startRun({ ...summary("o", T(15), 9), companyId: "other" });
    const runs = await st.company("acme").reports.runsBetween(T(10), T(30));
    expect(runs.map((r) => [r.id, r.counts.created, r.trigger, r.finishedAt])).toEqual([
      ["a", 1, "schedule", "2026-11-21T10:10:30.000Z"],
      ["b", 2, "schedule", "2026-11-21T10:20:30.000Z"],
    ]);
  });

  it("keeps each company's report recipients in the order given, replaced whole", async () => {
    const st = await open();
    const reports = st.company("acme").reports;
    expect(await reports.listRecipients()).toEqual([]);
    await reports.replaceRecipients(["owner@acme.example", "books@acme.example", "owner@acme.example"], T(0));
    expect(await reports.listRecipients()).toEqual(["owner@acme.example", "books@acme.example"]);
    await reports.replaceRecipients(["zed@acme.example", "ana@acme.example"], T(1));
    expect(await reports.listRecipients()).toEqual(["zed@acme.example", "ana@acme.example"]);
    expect(await st.company("other").reports.listRecipients()).toEqual([]);
    await reports.replaceRecipients([], T(2));
    expect(await reports.listRecipients()).toEqual([]);
  });
});
