import type { CompanyNoticeDto } from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import { qboUnreachableDto } from "./api-dto.js";

/**
 * The company-level notice the Overview and the Errors view show above everything else: the last
 * finished sync could not reach QuickBooks. Its records are not failed (their outcome is unknown, or
 * they were not sent), so this is one notice for the company, not an error per record; the next run
 * that finishes without that clears it.
 */
export async function qboUnreachableNotice(
  store: Store,
  companyId: string,
): Promise<CompanyNoticeDto | null> {
  // A run still going is not the last word; the one before it is, until it finishes.
  const { items } = await store.company(companyId).api.runs.listRuns({ limit: 5 });
  const last = items.find((r) => r.status !== "running");
  if (!last?.qboUnreachable) return null;
  return {
    kind: "qbo-unreachable",
    title: "QuickBooks could not be reached",
    message: last.note ?? "QuickBooks could not be reached; the next sync sends what is waiting.",
    runId: last.id,
    at: last.finishedAt ?? last.startedAt,
    action: "sync-again",
    detail: qboUnreachableDto(last.qboUnreachable),
  };
}
