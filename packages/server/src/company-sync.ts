import { hostname } from "node:os";
import {
  pullQbo,
  runSync,
  SyncBusyError,
  type Clock,
  type MatchPolicy,
  type PullProgress,
  type PullResult,
  type RecordRef,
  type RunTrigger,
  type SyncEvent,
  type SyncResult,
  type ValidationPolicy,
} from "@ledgerlink/core";
import { QboAuthError, qboOutageOf, qboPullApi, qboWritePort, type QboClient } from "@ledgerlink/qbo";
import type { Store } from "@ledgerlink/store";
import { applyQboChanges } from "./apply-qbo-changes.js";
import { companySyncStore } from "./company-sync-store.js";

export interface CompanySyncOptions {
  store: Store;
  companyId: string;
  client: QboClient;
  clock: Clock;
  dryRun?: boolean;
  trigger?: RunTrigger;
  only?: readonly RecordRef[];
  onEvent?: (event: SyncEvent) => void;
  /** Told how far the pull and matching have got, before the run's first write (the CLI's bars). */
  onProgress?: (progress: SyncPhaseProgress) => void;
  /** Told what the pull found changed in QBO (two-way handling). */
  onPulled?: (result: PullResult) => Promise<void>;
  signal?: AbortSignal;
  validationPolicy?: ValidationPolicy;
  matchPolicy?: MatchPolicy;
  /** Lanes of calls in flight (defaults suit QBO's 10 concurrent requests per realm). */
  batchLanes?: number;
  singleLanes?: number;
  /** A run slice: at most this many operations, then `result.sliced` says more is left (workers). */
  maxOps?: number;
  /** The company lease's time to live; the runner renews it every third of it (default 60 s). */
  leaseTtlMs?: number;
  /** Milliseconds the run's calls waited on the rate limiter so far (its `throttleWaitMs`). */
  throttleWaitMs?: () => number;
}

/** Progress of the work before a run's writes: QBO's objects fetched per entity, customers matched. */
export type SyncPhaseProgress =
  ({ phase: "pull" } & PullProgress) | { phase: "match"; done: number; total: number };

let runnerSeq = 0;

/**
 * This machine's name in leases: LEDGERLINK_HOST_ID when set (containers often share a hostname, and
 * the multi-worker test gives each worker its own to prove takeover across hosts), else the hostname.
 */
export const hostId = (): string => process.env["LEDGERLINK_HOST_ID"] || hostname();

/** Names this runner in the company's lease: host, process and a counter. */
export const runnerName = (): string => `${hostId()}:${process.pid}:${++runnerSeq}`;

/** True when the lease holder is a process on this machine that no longer exists (killed, crashed). */
function holderIsDead(holder: string): boolean {
  const [host, pid] = holder.split(":");
  if (host !== hostId() || pid === undefined || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * One sync of a company with a ready QBO client: pull QBO's changes, plan, execute. A lease left by a
 * runner on this machine that was killed is taken over at once instead of waiting for it to expire.
 */
export async function runCompanySync(o: CompanySyncOptions): Promise<SyncResult> {
  try {
    return await runOnce(o);
  } catch (err) {
    if (!(err instanceof SyncBusyError)) throw err;
    const engine = o.store.company(o.companyId).sync;
    const holder = await engine.leaseHolder(o.clock.now());
    if (holder === undefined || !holderIsDead(holder)) throw err;
    await engine.releaseLease(holder);
    return runOnce(o);
  }
}

function runOnce(o: CompanySyncOptions): Promise<SyncResult> {
  const mirror = o.store.company(o.companyId).qbo;
  return runSync({
    store: companySyncStore(o.store, o.companyId),
    qbo: qboWritePort(o.client),
    clock: o.clock,
    holder: runnerName(),
    pull: async () => {
      const onProgress = o.onProgress;
      const pulled = await pullQbo({
        api: qboPullApi(o.client),
        mirror,
        now: () => o.clock.now(),
        ...(onProgress ? { onProgress: (p: PullProgress) => onProgress({ phase: "pull", ...p }) } : {}),
      });
      await applyQboChanges({
        store: o.store,
        companyId: o.companyId,
        pulled,
        at: o.clock.now().toISOString(),
        ...(o.onEvent ? { onEvent: o.onEvent } : {}),
      });
      if (o.onPulled) await o.onPulled(pulled);
    },
    // QBO down during the pull (5xx, timeout, refused after the client's retries): a failed run with a
    // note, not a throw. Anything else (a bug, a revoked grant) still throws.
    pullOutage: qboOutageOf,
    // QBO refused the grant during the pull: a needs-reconnect run (the console says reconnect), not a crash.
    pullRefused: (err) =>
      err instanceof QboAuthError && err.reason !== "unauthorized" ? err.message : undefined,
    ...(o.trigger ? { trigger: o.trigger } : {}),
    ...(o.dryRun ? { dryRun: true } : {}),
    ...(o.only ? { only: o.only } : {}),
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    ...(o.onProgress
      ? { onMatchProgress: (done: number, total: number) => o.onProgress!({ phase: "match", done, total }) }
      : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.validationPolicy ? { validationPolicy: o.validationPolicy } : {}),
    ...(o.matchPolicy ? { matchPolicy: o.matchPolicy } : {}),
    ...(o.batchLanes !== undefined ? { batchLanes: o.batchLanes } : {}),
    ...(o.singleLanes !== undefined ? { singleLanes: o.singleLanes } : {}),
    ...(o.maxOps !== undefined ? { maxOps: o.maxOps } : {}),
    ...(o.leaseTtlMs !== undefined ? { leaseTtlMs: o.leaseTtlMs } : {}),
    ...(o.throttleWaitMs ? { throttleWaitMs: o.throttleWaitMs } : {}),
  });
}
