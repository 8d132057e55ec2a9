/**
 * QuickBooks down: the emulator answers 503 to every call (and, separately, to the pull). The run ends
 * "failed" with a note in plain words, its records stay waiting (no per-record error), the status and
 * Errors endpoints carry a company notice, and the next run that reaches QBO sends each record exactly
 * once, under the same requestids, and clears the notice. Time scale 100 shrinks the client's retry
 * waits (see scaledTimings in connection-service.ts) so five tries per call take milliseconds.
 */
import { UNANSWERED_CALLS_TO_STOP } from "@ledgerlink/core";
import { testDatabases, type TestDatabase } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectContract, startApiHarness, type ApiHarness } from "../test/api-harness.js";

type Notice = {
  kind: string;
  title: string;
  message: string;
  runId: string;
  action: string;
  detail: { during: string; kind: string; status: number | null; attempts: number };
};
type Run = {
  id: string;
  status: string;
  note: string | null;
  calls: number;
  counts: Record<string, number>;
  qboUnreachable: Notice["detail"] | null;
};
type ErrorsPage = { total: number; items: unknown[]; notice: Notice | null };

const base = "/api/v1/companies/acme";
const writePaths = ["/batch", "/customer", "/item", "/invoice"];

describe.each(testDatabases())("QuickBooks unreachable ($dialect)", (database: TestDatabase) => {
  let h: ApiHarness;

  const syncNow = async (): Promise<Run> => {
    const started = expectContract<{ runId: string }>("startRun", await h.call("POST", `${base}/runs`), 202);
    await h.syncService.whenIdle(h.company);
    return expectContract<Run>("getRun", await h.call("GET", `${base}/runs/${started.runId}`), 200);
  };
  const errors = async (): Promise<ErrorsPage> =>
    expectContract<ErrorsPage>("listErrors", await h.call("GET", `${base}/errors`), 200);
  const statusNotice = async (): Promise<Notice | null> =>
    (await h.call<{ notice: Notice | null }>("GET", "/api/status")).body.notice;
  const customerNames = (): string[] =>
    h
      .realm()
      .list("Customer")
      .map((c) => String(c["DisplayName"]));

  beforeAll(async () => {
    h = await startApiHarness(database, { timeScale: 100 });
    await h.put("item", [
      { id: "svc", name: "Copier service", type: "Service", unitPrice: "95.00", incomeAccount: "Services" },
    ]);
    await h.put("customer", [{ id: "1", displayName: "Redbird Diner", active: true }]);
    // The first sync reads QuickBooks in full; later pulls read its changes only.
    expect((await syncNow()).status).toBe("succeeded");
  });
  afterAll(() => h?.close());

  it("a pull QBO answers 503 to ends the run failed with a note, nothing sent, not a throw", async () => {
    await h.put("customer", [{ id: "2", displayName: "Capitol Fitness", active: true }]);
    h.realm().injectFault({ kind: "503", probability: 1 });
    const before = h.realm().requestLog.length;
    try {
      const run = await syncNow();
      expect(run.status).toBe("failed");
      expect(run.note).toMatch(
        /^Could not read QuickBooks' changes: QuickBooks answered 503 Service Unavailable, after 5 tries; nothing was sent\./,
      );
      expect(run.qboUnreachable).toEqual({
        during: "pull",
        kind: "status",
        status: 503,
        attempts: 5,
        timeoutMs: null,
      });
      expect(run.calls).toBe(0);
      // Nothing was written: only reads reached the emulator.
      expect(
        h
          .realm()
          .requestLog.slice(before)
          .filter((r) => r.method !== "GET" && !r.path.includes("/query")),
      ).toEqual([]);
      const page = await errors();
      expect(page.total).toBe(0);
      expect(page.notice).toMatchObject({
        kind: "qbo-unreachable",
        title: "QuickBooks could not be reached",
        message: run.note,
        runId: run.id,
        action: "sync-again",
      });
      expect((await statusNotice())?.runId).toBe(run.id);
    } finally {
      h.realm().clearFaults();
    }
    expect(customerNames()).not.toContain("Capitol Fitness");
  });

  it("a dry run QBO answers 503 to is a 503 in plain words naming the outage, not a 500", async () => {
    h.realm().injectFault({ kind: "503", probability: 1 });
    try {
      const answer = await h.call("POST", `${base}/runs/plan`, {});
      const body = expectContract<{ error: { code: string; message: string; details: unknown } }>(
        "planRun",
        answer,
        503,
      );
      expect(body.error).toEqual({
        code: "qbo_unavailable",
        message:
          "Could not read QuickBooks' changes: QuickBooks answered 503 Service Unavailable, after 5 tries; nothing was planned. Try again later.",
        details: { qboUnreachable: { kind: "status", status: 503, attempts: 5 } },
      });
    } finally {
      h.realm().clearFaults();
    }
    // With QBO back the same request plans.
    const ok = await h.call<{ totalSteps: number }>("POST", `${base}/runs/plan`, {});
    expect(ok.status).toBe(200);
  });

  it("writes QBO answers 503 to: failed, records waiting (no error each), sent once when QBO is back", async () => {
    // Enough records that the run would make many calls; it stops after a few unanswered in a row.
    await h.put(
      "customer",
      Array.from({ length: 200 }, (_, i) => ({ id: `m${i}`, displayName: `Member ${i}`, active: true })),
    );
    await h.put("invoice", [
      {
        id: "77",
        docNumber: "77",
        customerId: "2",
        txnDate: "2026-11-02",
        lines: [{ itemId: "svc", qty: "1", unitPrice: "95.00" }],
      },
    ]);
    for (const pathIncludes of writePaths)
      h.realm().injectFault({ kind: "503", probability: 1, pathIncludes });
    const before = h.realm().requestLog.length;
    let failed: Run;
    try {
      failed = await syncNow();
    } finally {
      h.realm().clearFaults();
    }
    expect(failed.status).toBe("failed");
    expect(failed.note).toBe(
      // A SystemFault (QBO's code 10000) on a write is resubmitted once, as QBO advises.
      "QuickBooks could not be reached: it answered 503 Service Unavailable, after 2 tries. " +
        "The 202 records waiting will be sent again on the next sync, with nothing duplicated " +
        "(QuickBooks recognises any it already received).",
    );
    expect(failed.qboUnreachable).toMatchObject({ during: "send", kind: "status", status: 503, attempts: 2 });
    // 201 customers take 30 calls or so; it stopped once three calls in a row went unanswered, so only
    // the calls already in flight (ten lanes) went out, and the rest waits for the next sync unsent.
    expect(failed.calls).toBeLessThanOrEqual(10 + UNANSWERED_CALLS_TO_STOP);
    expect(failed.counts["failed"]).toBe(0);
    expect(failed.counts["pending"]).toBeGreaterThan(0);
    expect(failed.counts["pending"]).toBeLessThan(201);
    const failedWrites = h
      .realm()
      .requestLog.slice(before)
      .filter((r) => r.requestid !== undefined);
    expect(failedWrites.length).toBe(failed.calls * 2);
    // The invoice needs a customer whose outcome is unknown: not failed, no per-record error invented.
    const page = await errors();
    expect(page.total).toBe(0);
    expect(page.notice).toMatchObject({ runId: failed.id, message: failed.note });
    expect(page.notice?.detail.during).toBe("send");
    expect((await statusNotice())?.runId).toBe(failed.id);
    // The post-sync report carries the note.
    const report = await h.call<string>("GET", `${base}/reports/runs/${failed.id}.html`);
    expect(report.status).toBe(200);
    expect(report.body).toContain(failed.note);

    // QBO is back: the next run sends everything, each record once, and the notice is gone.
    const afterFailure = h.realm().requestLog.length;
    const good = await syncNow();
    expect(good.status).toBe("succeeded");
    expect(good.note).toBeNull();
    expect(good.qboUnreachable).toBeNull();
    const customers = customerNames();
    for (const name of ["Capitol Fitness", ...Array.from({ length: 200 }, (_, i) => `Member ${i}`)])
      expect(customers.filter((n) => n === name)).toHaveLength(1);
    // QBO numbers the invoice itself (custom transaction numbers are off): one invoice, for C:2.
    expect(
      h
        .realm()
        .list("Invoice")
        .map((i) => (i["CustomerRef"] as { value: string }).value),
    ).toEqual(["2"]);
    // The records that went out while QBO was down went out again under the same requestids.
    const sentAgain = new Set(
      h
        .realm()
        .requestLog.slice(afterFailure)
        .map((r) => r.requestid),
    );
    for (const r of failedWrites) expect(sentAgain.has(r.requestid)).toBe(true);
    expect((await errors()).notice).toBeNull();
    expect(await statusNotice()).toBeNull();
  });
});
