import type { CompanyNoticeDto, SyncRun } from "@ledgerlink/core";
import type { CompanyCounts } from "@ledgerlink/store";
import type { AppDeps, ConnectionState } from "./app-deps.js";
import { qboUnreachableNotice } from "./qbo-unreachable-notice.js";

/** The status shared by `GET /api/status` and the home page. */
export interface Status {
  company: string;
  connection: ConnectionState;
  counts: CompanyCounts;
  lastRun: SyncRun | null;
  /** The last sync could not reach QuickBooks: what failed and what happens next (null otherwise). */
  notice: CompanyNoticeDto | null;
}

export async function readStatus(deps: AppDeps): Promise<Status> {
  const company = deps.store.company(deps.config.company);
  const [connection, counts, runs, notice] = await Promise.all([
    deps.connections.status(deps.config.company),
    company.counts(),
    company.listRuns(1),
    qboUnreachableNotice(deps.store, deps.config.company),
  ]);
  return { company: deps.config.company, connection, counts, lastRun: runs[0] ?? null, notice };
}
