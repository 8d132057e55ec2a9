import type { Clock, RecordRef, RunTrigger, SyncEvent, SyncResult } from "@ledgerlink/core";
import { ThrottleMeter } from "@ledgerlink/qbo";
import type { Store } from "@ledgerlink/store";
import { companySyncSettings } from "./company-settings.js";
import { runCompanySync, type SyncPhaseProgress } from "./company-sync.js";
import type { ConnectionService } from "./connection-service.js";

export class NeedsReconnectError extends Error {
  override readonly name = "NeedsReconnectError";
}

/**
 * One sync of a company, as Sync Now, the CLI and the scheduler run it. Against the emulator a
 * company that was never connected is connected automatically (its consent page needs no person).
 */
export async function syncCompany(o: {
  store: Store;
  connections: ConnectionService;
  companyId: string;
  clock: Clock;
  dryRun?: boolean;
  environment: "emulator" | "sandbox" | "production";
  trigger?: RunTrigger;
  only?: readonly RecordRef[];
  onEvent?: (event: SyncEvent) => void;
  /** Told how far the pull and matching have got (see CompanySyncOptions). */
  onProgress?: (progress: SyncPhaseProgress) => void;
  signal?: AbortSignal;
  /** Workers: run slices and the lease's time to live (see CompanySyncOptions). */
  maxOps?: number;
  leaseTtlMs?: number;
}): Promise<SyncResult> {
  let status = await o.connections.status(o.companyId);
  if (status.state === "disconnected" && o.environment === "emulator") {
    await o.connections.connectToEmulatorAutomatically(o.companyId);
    status = await o.connections.status(o.companyId);
  }
  if (status.state !== "connected") {
    throw new NeedsReconnectError(status.reason ?? `The QuickBooks connection is ${status.state}`);
  }
  // Time spent waiting on QBO's limits is reported on the run (throttleWaitMs).
  const meter = new ThrottleMeter();
  const client = await o.connections.clientFor(o.companyId, { meter });
  // The policies staff chose in the connection settings (thresholds, auto-repairs) apply to every run.
  const settings = await companySyncSettings(o.store, o.companyId);
  const result = await runCompanySync({
    validationPolicy: settings.validationPolicy,
    matchPolicy: settings.matchPolicy,
    store: o.store,
    companyId: o.companyId,
    client,
    clock: o.clock,
    ...(o.dryRun ? { dryRun: true } : {}),
    ...(o.trigger ? { trigger: o.trigger } : {}),
    ...(o.only ? { only: o.only } : {}),
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.maxOps !== undefined ? { maxOps: o.maxOps } : {}),
    ...(o.leaseTtlMs !== undefined ? { leaseTtlMs: o.leaseTtlMs } : {}),
    throttleWaitMs: () => meter.waitedMs,
  });
  if (result.run?.status === "needs-reconnect") {
    throw new NeedsReconnectError(result.run.note ?? "QuickBooks refused the connection");
  }
  return result;
}
