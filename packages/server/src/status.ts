import type { SyncRun } from "@ledgerlink/core";
import type { CompanyCounts } from "@ledgerlink/store";
import type { AppDeps, ConnectionState } from "./app-deps.js";

/** The status shared by `GET /api/status` and the home page. */
export interface Status {
  company: string;
  connection: ConnectionState;
  counts: CompanyCounts;
  lastRun: SyncRun | null;
}

export async function readStatus(deps: AppDeps): Promise<Status> {
  const company = deps.store.company(deps.config.company);
  const [connection, counts, runs] = await Promise.all([
    deps.connections.status(deps.config.company),
    company.counts(),
    company.listRuns(1),
  ]);
  return { company: deps.config.company, connection, counts, lastRun: runs[0] ?? null };
}
