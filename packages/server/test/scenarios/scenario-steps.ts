import type { ErrorItemDto, FixResultDto } from "@ledgerlink/core";
import { expect } from "vitest";
import { expectContract, type ApiHarness } from "../api-harness.js";

export interface ErrorsPage {
  groups: { category: string; title: string; count: number }[];
  total: number;
  items: ErrorItemDto[];
  nextCursor: string | null;
}

export interface RunDetail {
  id: string;
  status: string;
  counts: Record<string, number>;
  byEntity: Record<string, Record<string, number>>;
  trigger: string;
}

export interface ReportBody {
  runs: { id: string; status: string }[];
  counts: Record<string, number>;
  errors: { total: number; items: { ref: string; category: string; message: string }[] };
  review: { total: number };
  unmatched: { total: number; exportable: number; customers: { ref: string; name: string; why: string }[] };
  duplicates: {
    app: { members: { id: string; name: string }[] }[];
    qbo: { members: { id: string; name: string }[] }[];
  };
  autoRepairs: { ref: string; action: string }[];
}

/**
 * What office staff do in the console, as HTTP calls: read the Errors view, press a fix, press Sync
 * Now and wait for it, read the post-sync report. One set of steps per harness (one company).
 */
export function scenarioSteps(h: ApiHarness, actor = "office") {
  const base = `/api/v1/companies/${h.company}`;
  const steps = {
    base,
    async errors(query = "?limit=500"): Promise<ErrorsPage> {
      return expectContract<ErrorsPage>("listErrors", await h.call("GET", `${base}/errors${query}`), 200);
    },
    /** The open problem of a record (the Errors view filtered by `ref`), optionally of one category. */
    async problem(ref: string, category?: string): Promise<ErrorItemDto> {
      const page = await steps.errors(`?ref=${encodeURIComponent(ref)}&limit=100`);
      const found = page.items.find((e) => category === undefined || e.category === category);
      if (!found)
        throw new Error(
          `no open ${category ?? ""} problem for ${ref}; open: ${page.items.map((e) => `${e.ref}/${e.category}`).join(", ")}`,
        );
      return found;
    },
    /** Presses a fix button: the action and the parameters the person chose. */
    async fix(id: string, action: string, params: Record<string, unknown> = {}): Promise<FixResultDto> {
      return expectContract<FixResultDto>(
        "fixError",
        await h.call("POST", `${base}/errors/${id}/fix`, { action, params }, { "x-ledgerlink-actor": actor }),
        200,
      );
    },
    /** The fix a finding offers for `action` (the first, or the one whose params match). */
    offered(problem: ErrorItemDto, action: string, match: Record<string, unknown> = {}) {
      const fix = problem.fixes.find(
        (f) => f.action === action && Object.entries(match).every(([k, v]) => f.params[k] === v),
      );
      if (!fix)
        throw new Error(
          `${problem.ref} offers no ${action}; it offers ${problem.fixes.map((f) => f.action).join(", ")}`,
        );
      return fix;
    },
    /** Sync Now: starts the run in the background, waits for it, answers the finished run. */
    async syncNow(body: unknown = {}): Promise<RunDetail> {
      const started = expectContract<{ runId: string }>(
        "startRun",
        await h.call("POST", `${base}/runs`, body),
        202,
      );
      await h.syncService.whenIdle(h.company);
      return expectContract<RunDetail>("getRun", await h.call("GET", `${base}/runs/${started.runId}`), 200);
    },
    async report(runId: string): Promise<ReportBody> {
      const r = await h.call<ReportBody>("GET", `${base}/reports/runs/${runId}`);
      expect(r.status).toBe(200);
      return r.body;
    },
    /**
     * How every scenario ends: Sync Now runs clean (nothing blocked, held or failed), the Errors view
     * is empty and the run's post-sync report lists no open problem. Answers the run.
     */
    async expectCleanSync(): Promise<RunDetail> {
      const run = await steps.syncNow();
      const open = await steps.errors();
      expect(open.items.map((e) => `${e.ref} ${e.category}: ${e.message}`)).toEqual([]);
      expect(run.status).toBe("succeeded");
      expect(run.counts).toMatchObject({ blocked: 0, failed: 0, held: 0 });
      const report = await steps.report(run.id);
      expect(report.errors.total).toBe(0);
      expect(report.errors.items).toEqual([]);
      // Nothing left to send: the next sync has nothing to do.
      const again = await steps.syncNow();
      expect(again.counts).toMatchObject({ created: 0, updated: 0, blocked: 0, failed: 0 });
      return run;
    },
  };
  return steps;
}
