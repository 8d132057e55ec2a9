import { fingerprint } from "../fingerprint.js";
import type { MatchPolicy } from "../match/match-policy.js";
import type { ClassifiedFailure, Clock } from "../ports.js";
import type { RecordRef } from "../record-ref.js";
import { repairAuditEntry } from "../repair/apply-repairs.js";
import type { ValidationPolicy } from "../validate/policy.js";
import { resolveLocalRefs, UnresolvedReferenceError } from "./local-ref.js";
import { pullFailedNote, QboUnreachableError, unreachableNote, type QboOutage } from "./qbo-outage.js";
import type { QboPayload } from "./record-to-qbo.js";
import {
  planSync,
  writingActions,
  type PlanStep,
  type RecordLink,
  type StepAction,
  type SyncPlan,
} from "./sync-plan.js";
import type {
  OutboxOp,
  Outcome,
  QboWriteOp,
  QboWritePort,
  QboWriteResult,
  RunTrigger,
  SyncEngineStore,
  SyncEvent,
  SyncRunSummary,
} from "./sync-ports.js";
import { threeWay } from "./three-way.js";

export class SyncBusyError extends Error {
  override readonly name = "SyncBusyError";
  constructor(companyId: string) {
    super(`A sync of company ${companyId} is already running`);
  }
}

export interface RunSyncOptions {
  store: SyncEngineStore;
  qbo: QboWritePort;
  clock: Clock;
  /** Names this runner in the lease (process and worker). */
  holder: string;
  /** Brings the QBO mirror up to date before planning (the pull); absent in tests that seed it. */
  pull?: () => Promise<void>;
  /**
   * Tells a pull failure that means QuickBooks could not be reached (the connector's typed errors)
   * from any other: such a run ends "failed" with a note instead of throwing; anything else is thrown.
   */
  pullOutage?: (err: unknown) => QboOutage | undefined;
  /**
   * Tells a pull failure that means QuickBooks refused the grant (revoked, expired refresh token): such
   * a run ends "needs-reconnect" with this note instead of throwing.
   */
  pullRefused?: (err: unknown) => string | undefined;
  trigger?: RunTrigger;
  dryRun?: boolean;
  /** Sync only these records and what they need. */
  only?: readonly RecordRef[];
  validationPolicy?: ValidationPolicy;
  matchPolicy?: MatchPolicy;
  onEvent?: (event: SyncEvent) => void;
  /** Told how far matching has got while planning (a terminal's progress bar; see planSync). */
  onMatchProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Calls in flight at once: batch calls and plain requests (QBO allows 10 per realm). */
  batchLanes?: number;
  singleLanes?: number;
  /** Ops per batch call (QBO's maximum is 30). */
  batchSize?: number;
  leaseTtlMs?: number;
  newId?: () => string;
  /**
   * A run slice: stop sending after this many operations and leave the rest for the next run, so a
   * company with 100k records takes turns with the others on a shared worker (`SyncResult.sliced`).
   */
  maxOps?: number;
  /** Milliseconds this run's calls have waited on the QBO rate limiter so far (for the run summary). */
  throttleWaitMs?: () => number;
}

export interface SyncResult {
  plan: SyncPlan;
  /** Undefined for a dry run. */
  run?: SyncRunSummary;
  outcomes: {
    ref: RecordRef;
    action: StepAction;
    outcome: Outcome;
    qboId?: string;
    failure?: ClassifiedFailure;
  }[];
  /** True when the run stopped at `maxOps` with work left: the caller queues the next slice. */
  sliced?: boolean;
}

/**
 * Calls in a row that QuickBooks did not answer at all (each after the client's own retries) before a
 * run stops sending: QBO is down, and the rest would only wait out the same retries. What was not sent
 * is planned afresh by the next run, with the same requestids.
 */
export const UNANSWERED_CALLS_TO_STOP = 3;

/** What a step's action comes to once done, in the past tense runs and `record.synced` events use. */
export const stepOutcome: Readonly<Record<StepAction, Outcome>> = {
  create: "created",
  link: "linked",
  update: "updated",
  reactivate: "reactivated",
  inactivate: "inactivated",
  delete: "deleted",
  skip: "skipped",
  held: "held",
  blocked: "blocked",
};

const emptyCounts = (): Record<Outcome, number> => ({
  created: 0,
  linked: 0,
  updated: 0,
  reactivated: 0,
  inactivated: 0,
  deleted: 0,
  skipped: 0,
  held: 0,
  blocked: 0,
  failed: 0,
  pending: 0,
});

let idCounter = 0;
const defaultNewId = (): string =>
  `${Date.now().toString(36)}${(idCounter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/** The op's identity towards QBO: what is written, to which version; the same write → the same id. */
export function requestIdForStep(companyId: string, step: PlanStep, generation = 0): string {
  return `ll-${fingerprint([companyId, step.ref, step.action, step.fingerprint ?? "", step.qboId ?? "", step.syncToken ?? "", generation])}`;
}

/**
 * One sync of one company: recover what a dead runner left, plan, persist the plan as outbox rows,
 * then execute them in batches within QBO's limits, each result applied as it comes. A failure of one
 * record is recorded against it and the run goes on wherever records do not depend on it.
 */
export async function runSync(o: RunSyncOptions): Promise<SyncResult> {
  const { store, clock } = o;
  const now = (): string => clock.now().toISOString();
  const ttl = o.leaseTtlMs ?? 60_000;
  const newId = o.newId ?? defaultNewId;

  if (o.dryRun) {
    if (o.pull) {
      try {
        await o.pull();
      } catch (err) {
        // A refused grant goes up as it is (callers say "reconnect"); an outage as a typed, plain error.
        const outage = o.pullOutage?.(err);
        throw outage ? new QboUnreachableError(outage) : err;
      }
    }
    const inputs = await store.loadInputs();
    const plan = planSync({ ...inputs, ...policies(o), ...(o.only ? { only: o.only } : {}) });
    return { plan, outcomes: [] };
  }

  if (!(await store.acquireLease(o.holder, ttl, clock.now()))) throw new SyncBusyError(store.companyId);
  let leaseLost = false;
  // The heartbeat. A renewal that fails (database unreachable) does not lose the lease at once, but
  // once a TTL has passed since the last good one another worker may have taken the company over, so
  // this runner stops sending before it could write beside the new holder.
  let renewedAt = Date.now();
  const renew = setInterval(
    () => {
      const at = Date.now();
      store.renewLease(o.holder, ttl, clock.now()).then(
        (ok) => {
          if (!ok) leaseLost = true;
          else renewedAt = at;
        },
        () => undefined,
      );
    },
    Math.max(250, ttl / 3),
  );
  const lost = (): boolean => leaseLost || Date.now() - renewedAt > ttl * 0.9;
  try {
    const recovered = await recover(o, now);
    if (recovered.needsReconnect)
      return await runEndedBeforePlan(
        o,
        newId(),
        {
          status: "needs-reconnect",
          note: `QuickBooks refused the saved connection; reconnect to continue. The ${recovered.pending} records an earlier run sent go again, identically, once reconnected.`,
        },
        recovered,
      );
    if (o.pull) {
      try {
        await o.pull();
      } catch (err) {
        const refused = o.pullRefused?.(err);
        if (refused !== undefined)
          return await runEndedBeforePlan(
            o,
            newId(),
            { status: "needs-reconnect", note: refused },
            recovered,
          );
        const outage = o.pullOutage?.(err);
        if (!outage) throw err;
        const end = {
          status: "failed" as const,
          note: pullFailedNote(outage, recovered.pending),
          qboUnreachable: { ...outage, during: "pull" as const },
        };
        return await runEndedBeforePlan(o, newId(), end, recovered);
      }
    }
    const inputs = await store.loadInputs();
    const plan = planSync({ ...inputs, ...policies(o), ...(o.only ? { only: o.only } : {}) });
    const run = await openRun(o, newId(), now(), recovered);
    await store.replaceFindings(run.id, plan.findings, now());
    if (store.saveReviewSuggestions && plan.reviews.length > 0)
      await store.saveReviewSuggestions(run.id, plan.reviews, now());

    // Planning a large company can outlast a heartbeat: renew before the first call goes out.
    if (await store.renewLease(o.holder, ttl, clock.now())) renewedAt = Date.now();
    else leaseLost = true;
    const executor = new Executor(o, run, plan, inputs.links, newId, lost, recovered.inDoubt);
    return await executor.execute();
  } finally {
    clearInterval(renew);
    await store.releaseLease(o.holder);
  }
}

/** A new run, stored as running; listeners hear what recovering the earlier run's calls came to. */
async function openRun(
  o: RunSyncOptions,
  id: string,
  at: string,
  recovered: Recovered,
): Promise<SyncRunSummary> {
  const run: SyncRunSummary = {
    id,
    companyId: o.store.companyId,
    trigger: o.trigger ?? "manual",
    startedAt: at,
    status: "running",
    counts: emptyCounts(),
    byEntity: {},
    operations: 0,
    calls: 0,
    throttleWaitMs: 0,
  };
  await o.store.startRun(run);
  const { confirmed, failed, pending } = recovered;
  if (confirmed + failed + pending > 0)
    o.onEvent?.({ type: "recovered", runId: run.id, confirmed, failed, pending });
  return run;
}

/**
 * A run that ended before planning, nothing sent: QuickBooks did not answer the pull (failed, with the
 * outage), or refused the grant while recovering an earlier run's calls (needs-reconnect).
 */
async function runEndedBeforePlan(
  o: RunSyncOptions,
  id: string,
  end: {
    status: "failed" | "needs-reconnect";
    note: string;
    qboUnreachable?: SyncRunSummary["qboUnreachable"];
  },
  recovered: Recovered,
): Promise<SyncResult> {
  const { store, clock } = o;
  const run = await openRun(o, id, clock.now().toISOString(), recovered);
  // Ops an earlier run sent whose outcome is still unknown: they go again, identically, next time.
  run.counts.pending = recovered.pending;
  run.status = end.status;
  run.finishedAt = clock.now().toISOString();
  run.note = end.note;
  if (end.qboUnreachable) run.qboUnreachable = end.qboUnreachable;
  if (o.throttleWaitMs) run.throttleWaitMs = Math.round(o.throttleWaitMs());
  await store.saveRun(run);
  o.onEvent?.({ type: "run-finished", run });
  const plan: SyncPlan = {
    steps: [],
    repairs: [],
    findings: [],
    reviews: [],
    counts: {
      create: 0,
      link: 0,
      update: 0,
      reactivate: 0,
      inactivate: 0,
      delete: 0,
      skip: 0,
      held: 0,
      blocked: 0,
    },
  };
  return { plan, run, outcomes: [] };
}

function policies(o: RunSyncOptions): {
  validationPolicy?: ValidationPolicy;
  matchPolicy?: MatchPolicy;
  onMatchProgress?: (done: number, total: number) => void;
} {
  return {
    ...(o.validationPolicy ? { validationPolicy: o.validationPolicy } : {}),
    ...(o.matchPolicy ? { matchPolicy: o.matchPolicy } : {}),
    ...(o.onMatchProgress ? { onMatchProgress: o.onMatchProgress } : {}),
  };
}

/** What recovering an earlier run's calls came to; `needsReconnect`: QBO refused the grant meanwhile. */
interface Recovered {
  confirmed: number;
  failed: number;
  pending: number;
  needsReconnect: boolean;
  /**
   * Records whose earlier write is still in doubt (re-sent, and QBO did not answer again). This run does
   * not write them again: another call under another batch requestid would make QBO carry out both.
   */
  inDoubt: Set<RecordRef>;
}

/**
 * Finishes what a runner killed mid-run left behind. Ops that were sent (outcome unknown) are sent
 * again exactly as before — same body, same batch, same requestid — so QBO answers from its cache
 * instead of writing twice; planned ops never sent are abandoned (this run plans them afresh).
 */
async function recover(o: RunSyncOptions, now: () => string): Promise<Recovered> {
  const { store } = o;
  const ops = await store.unfinishedOps();
  const tally: Recovered = { confirmed: 0, failed: 0, pending: 0, needsReconnect: false, inDoubt: new Set() };
  const planned = ops.filter((op) => op.state === "planned").map((op) => op.id);
  if (planned.length > 0) await store.abandonOps(planned, now());
  const groups = new Map<string, OutboxOp[]>();
  for (const op of ops) {
    if (op.state !== "sent" || op.batchKey === undefined) continue;
    const list = groups.get(op.batchKey);
    if (list) list.push(op);
    else groups.set(op.batchKey, [op]);
  }
  for (const [batchKey, group] of groups) {
    if (tally.needsReconnect) {
      tally.pending += group.length;
      for (const op of group) tally.inDoubt.add(op.ref);
      continue;
    }
    group.sort((a, b) => a.seq - b.seq);
    const writes = group.map(toWrite);
    // A plain request is re-sent under the requestid it went out with (a 5010 retry has its own).
    const results = batchKey.startsWith("single:")
      ? [await o.qbo.write({ ...writes[0]!, key: batchKey.slice("single:".length) })]
      : await o.qbo.batch(writes);
    const confirmed: { op: OutboxOp; object: Record<string, unknown> }[] = [];
    const failed: { op: OutboxOp; failure: ClassifiedFailure }[] = [];
    for (const [i, r] of results.entries()) {
      const op = group[i]!;
      if (r.ok) confirmed.push({ op, object: r.object });
      else if (r.outcomeUnknown) {
        tally.pending++;
        tally.inDoubt.add(op.ref);
      } else if (r.needsReconnect) {
        // QBO may have carried it out before the earlier runner died: failing it would re-plan it under
        // a new requestid and write it twice (or hit 6140/6240). It stays "sent" for after the reconnect.
        tally.needsReconnect = true;
        tally.pending++;
        tally.inDoubt.add(op.ref);
      } else failed.push({ op, failure: r.failure });
    }
    // All of the answer or none of it: a group left part-recorded would go again as another batch.
    await recordAnswer(store, confirmed, failed, now());
    tally.confirmed += confirmed.length;
    tally.failed += failed.length;
  }
  for (const run of await store.listUnfinishedRuns()) {
    await store.saveRun({
      ...run,
      status: "interrupted",
      finishedAt: now(),
      note: "the runner stopped before finishing; its work was recovered by the next run",
    });
  }
  return tally;
}

/**
 * A call's answer into the store: what QBO answered kept in its mirror, then every confirmation (with
 * its link) and every refusal in one transaction (settleOps). Returns the confirmations' links.
 */
async function recordAnswer(
  store: SyncEngineStore,
  confirmed: readonly { op: OutboxOp; object: Record<string, unknown> }[],
  failed: readonly { op: OutboxOp; failure: ClassifiedFailure }[],
  at: string,
): Promise<{ op: OutboxOp; link: RecordLink | null }[]> {
  const answered = confirmed.filter((i) => i.object["MetaData"] !== undefined);
  if (store.rememberQboObjects && answered.length > 0)
    await store.rememberQboObjects(answered.map((i) => ({ entity: i.op.entity, object: i.object })));
  const withLinks = confirmed.map((i) => ({ op: i.op, link: linkFor(i.op, i.object, at) }));
  await store.settleOps({ confirmed: withLinks, failed }, at);
  return withLinks;
}

function toWrite(op: OutboxOp): QboWriteOp {
  const operation = op.action === "create" ? "create" : op.action === "delete" ? "delete" : "update";
  return { key: op.requestId, entity: op.entity, operation, payload: op.payload ?? {} };
}

function linkFor(op: OutboxOp, object: Record<string, unknown>, at: string): RecordLink | null {
  if (op.action === "delete") return null;
  // QBO-only records (a duplicate made inactive, an account reactivated) have no link of ours.
  if (op.ref.startsWith("ACCT:") || op.ref.startsWith("C:qbo-")) return null;
  return {
    ref: op.ref,
    qboId: String(object["Id"] ?? op.qboId ?? ""),
    syncToken: String(object["SyncToken"] ?? ""),
    fingerprint: op.fingerprint ?? "",
    lastSyncedAt: at,
  };
}

/** Executes a persisted plan: a dependency-aware ready queue drained by batch and single lanes. */
class Executor {
  private readonly links: Map<RecordRef, RecordLink>;
  private readonly ops: OutboxOp[] = [];
  private readonly opByRef = new Map<RecordRef, OutboxOp>();
  private readonly waiting = new Map<string, number>();
  private readonly dependents = new Map<RecordRef, OutboxOp[]>();
  private readonly ready: OutboxOp[] = [];
  private readyHead = 0;
  private readonly outcomes: SyncResult["outcomes"] = [];
  private inFlight = 0;
  private remaining = 0;
  private wake: (() => void) | undefined;
  private stop:
    | { status: "cancelled" | "needs-reconnect" | "interrupted" | "sliced" | "unreachable"; note: string }
    | undefined;
  /** The last call QuickBooks did not answer (for the run's note), unanswered calls in a row, answered calls. */
  private outage: QboOutage | undefined;
  private unansweredInARow = 0;
  private answeredCalls = 0;
  /** Ops left unsent because a record they need has an unknown outcome: the next run plans them. */
  private readonly deferred = new Set<string>();
  private done = 0;
  private total = 0;
  /** Ops taken by lanes so far: a slice's budget is spent when they are taken, not when sent. */
  private claimed = 0;

  constructor(
    private readonly o: RunSyncOptions,
    private readonly run: SyncRunSummary,
    private readonly plan: SyncPlan,
    links: ReadonlyMap<RecordRef, RecordLink>,
    private readonly newId: () => string,
    private readonly leaseLost: () => boolean,
    /** Records an earlier run's write to is still in doubt: not written again, and what needs them waits. */
    private readonly inDoubt: ReadonlySet<RecordRef> = new Set(),
  ) {
    this.links = new Map(links);
  }

  private now(): string {
    return this.o.clock.now().toISOString();
  }

  private emit(e: SyncEvent): void {
    this.o.onEvent?.(e);
  }

  private count(entity: PlanStep["entity"], outcome: Outcome): void {
    this.run.counts[outcome]++;
    const e = (this.run.byEntity[entity] ??= {});
    e[outcome] = (e[outcome] ?? 0) + 1;
  }

  async execute(): Promise<SyncResult> {
    const { store } = this.o;

    const repairedRefs = new Set<RecordRef>();
    for (const step of this.plan.steps) {
      if (!writingActions.has(step.action)) {
        this.count(step.entity, stepOutcome[step.action]);
        this.outcomes.push({ ref: step.ref, action: step.action, outcome: stepOutcome[step.action] });
        continue;
      }
      if (this.inDoubt.has(step.ref)) {
        // Its earlier write goes again, identically, from the outbox next run; QBO's answer settles it.
        this.count(step.entity, "pending");
        this.outcomes.push({ ref: step.ref, action: step.action, outcome: "pending" });
        continue;
      }
      repairedRefs.add(step.ref);
      const op: OutboxOp = {
        id: this.newId(),
        runId: this.run.id,
        seq: step.seq,
        ref: step.ref,
        entity: step.entity,
        action: step.action,
        state: "planned",
        requestId: requestIdForStep(store.companyId, step),
        needs: step.needs,
      };
      const payload = this.payloadFor(step);
      if (payload !== undefined) op.payload = payload;
      if (step.fingerprint !== undefined) op.fingerprint = step.fingerprint;
      if (step.qboId !== undefined) op.qboId = step.qboId;
      if (step.syncToken !== undefined) op.syncToken = step.syncToken;
      this.ops.push(op);
      this.opByRef.set(op.ref, op);
    }
    await store.insertOps(this.ops);
    for (const repair of this.plan.repairs)
      if (repairedRefs.has(repair.ref))
        await store.audit({
          ...repairAuditEntry(repair),
          detail: { ...repairAuditEntry(repair).detail, runId: this.run.id },
        });

    this.total = this.ops.length;
    this.remaining = this.ops.length;
    this.emit({
      type: "run-started",
      runId: this.run.id,
      companyId: store.companyId,
      total: this.total,
      counts: this.plan.counts,
    });
    const dead: OutboxOp[] = [];
    const readyNow: OutboxOp[] = [];
    for (const op of this.ops) {
      let waits = 0;
      for (const n of op.needs) {
        if (this.opByRef.has(n)) {
          waits++;
          const list = this.dependents.get(n);
          if (list) list.push(op);
          else this.dependents.set(n, [op]);
        } else if (!this.links.has(n) && !this.inDoubt.has(n)) dead.push(op);
      }
      this.waiting.set(op.id, waits);
      if (waits === 0 && !dead.includes(op)) readyNow.push(op);
    }
    // What needs a record in doubt is not failed (it may well be in QBO): it waits for a later run.
    for (const op of this.ops) if (op.needs.some((n) => this.inDoubt.has(n))) this.defer(op);
    for (const op of readyNow) if (!this.deferred.has(op.id)) this.ready.push(op);
    for (const op of dead)
      await this.failDependency(
        op,
        op.needs.find((n) => !this.links.has(n) && !this.opByRef.has(n))!,
      );

    // Ten lanes, QBO's ten calls in flight. Plain requests carry 451 of each minute's 490 calls, and a lane
    // sends one at a time: six lanes could not fill that budget once a call took 0.8 s (bench/sync at
    // 20× time on a loaded machine sent 270-410 a minute while the batch calls were at their 39).
    const batchLanes = this.o.batchLanes ?? 2;
    const singleLanes = this.o.singleLanes ?? 8;
    await Promise.all([
      ...Array.from({ length: batchLanes }, () => this.lane("batch")),
      ...Array.from({ length: singleLanes }, () => this.lane("single")),
    ]);

    const left = this.ops.filter((op) => op.state === "planned");
    if (this.stop) {
      if (left.length > 0)
        await store.abandonOps(
          left.map((op) => op.id),
          this.now(),
        );
    } else {
      const deferred = left.filter((op) => this.deferred.has(op.id));
      if (deferred.length > 0)
        await store.abandonOps(
          deferred.map((op) => op.id),
          this.now(),
        );
      // Only a dependency cycle can leave other ops unsent without a stop; validation should have caught it.
      for (const op of left.filter((op) => !this.deferred.has(op.id)))
        await this.fail(op, {
          category: "invalid-data",
          message: "It depends on itself through other records",
        });
    }
    for (const op of this.ops) if (op.state === "sent") this.count(op.entity, "pending");
    const r = this.run;
    r.finishedAt = this.now();
    if (this.o.throttleWaitMs) r.throttleWaitMs = Math.round(this.o.throttleWaitMs());
    const sliced = this.stop?.status === "sliced" && left.length > 0;
    // A slice that sent everything before the limit took effect simply finished.
    if (this.stop?.status === "sliced" && !sliced) this.stop = undefined;
    const wrote =
      r.counts.created +
      r.counts.updated +
      r.counts.linked +
      r.counts.reactivated +
      r.counts.inactivated +
      r.counts.deleted;
    r.status = this.stop
      ? this.stop.status === "sliced"
        ? r.counts.failed === 0 && r.counts.pending === 0
          ? "succeeded"
          : "partial"
        : this.stop.status === "unreachable"
          ? wrote > 0
            ? "partial"
            : "failed"
          : this.stop.status
      : r.counts.failed === 0 && r.counts.pending === 0
        ? "succeeded"
        : wrote > 0
          ? "partial"
          : "failed";
    if (this.stop && this.stop.status !== "unreachable") r.note = this.stop.note;
    else if (this.outage && r.counts.pending > 0) {
      // Records whose outcome is unknown, and those not sent (after the stop, or needing one of them).
      const waiting = r.counts.pending + left.length;
      r.note = unreachableNote(this.outage, waiting, this.answeredCalls > 0);
      r.qboUnreachable = { ...this.outage, during: "send" };
    } else if (this.inDoubt.size > 0)
      r.note =
        `QuickBooks did not answer again for ${this.inDoubt.size === 1 ? "1 record" : `${this.inDoubt.size} records`} ` +
        "an earlier sync sent; they go again, identically, on the next sync, and what needs them waits for them.";
    await store.saveRun(r);
    this.emit({ type: "run-finished", run: r });
    return { plan: this.plan, run: r, outcomes: this.outcomes, ...(sliced ? { sliced: true } : {}) };
  }

  /** The body as it will be sent, still with placeholders; updates carry only what changes. */
  private payloadFor(step: PlanStep): QboPayload | undefined {
    switch (step.action) {
      case "create":
        return step.payload;
      case "delete":
        return { Id: step.qboId, SyncToken: step.syncToken };
      case "link": {
        if (!step.changes || step.changes.length === 0) return undefined;
        const fields = Object.fromEntries(step.changes.map((c) => [c.field, step.payload?.[c.field]]));
        return { ...fields, Id: step.qboId, SyncToken: step.syncToken, sparse: true };
      }
      default:
        return { ...step.payload, Id: step.qboId, SyncToken: step.syncToken, sparse: true };
    }
  }

  private take(n: number): OutboxOp[] {
    const out: OutboxOp[] = [];
    while (out.length < n && this.readyHead < this.ready.length) out.push(this.ready[this.readyHead++]!);
    if (this.readyHead > 4096) {
      this.ready.splice(0, this.readyHead);
      this.readyHead = 0;
    }
    return out;
  }

  private async checkStop(): Promise<void> {
    if (this.stop) return;
    if (this.o.signal?.aborted || (await this.o.store.cancelRequested(this.run.id)))
      this.stop = { status: "cancelled", note: "cancelled before it finished; what was sent is kept" };
    else if (this.leaseLost())
      this.stop = { status: "interrupted", note: "another runner took over the company's lease" };
  }

  /**
   * How many ops a lane may take now under the slice's `maxOps`. Counted when taken, so lanes running
   * side by side cannot together overshoot it (counting sent ops let every lane's first batch through).
   */
  private sliceRoom(size: number): number {
    if (this.o.maxOps === undefined) return size;
    const room = Math.min(size, this.o.maxOps - this.claimed);
    if (room <= 0 && !this.stop && this.readyHead < this.ready.length)
      this.stop = {
        status: "sliced",
        note: `paused after ${this.claimed} operations so other companies get a turn; the next run continues`,
      };
    return Math.max(0, room);
  }

  private async lane(kind: "batch" | "single"): Promise<void> {
    const size = kind === "batch" ? Math.min(30, this.o.batchSize ?? 30) : 1;
    for (;;) {
      if (this.stop) return;
      const room = this.sliceRoom(size);
      if (this.stop) return;
      const ops = this.take(room);
      this.claimed += ops.length;
      if (ops.length === 0) {
        if (this.remaining === 0 || (this.inFlight === 0 && this.readyHead >= this.ready.length)) {
          this.wake?.();
          return;
        }
        await new Promise<void>((resolve) => {
          const previous = this.wake;
          this.wake = () => {
            this.wake = undefined;
            previous?.();
            resolve();
          };
        });
        continue;
      }
      this.inFlight++;
      try {
        await this.checkStop();
        // Not sent: abandoned with the rest. (Ops taken within a slice's budget still go out.)
        const stop = this.stop as Executor["stop"]; // checkStop may have set it
        if (stop && stop.status !== "sliced") return;
        await this.send(ops, kind);
      } finally {
        this.inFlight--;
        const w = this.wake;
        this.wake = undefined;
        w?.();
      }
    }
  }

  private async send(ops: OutboxOp[], kind: "batch" | "single"): Promise<void> {
    const { store } = this.o;
    const writes: QboWriteOp[] = [];
    const sendable: OutboxOp[] = [];
    // In plan order, the order `recover` re-sends a batch in after a kill: the batch's requestid is
    // derived from its items in order, and QBO answers from its cache only for the very same batch.
    // (Ops become ready in the order their dependencies finish, not in plan order.)
    ops.sort((a, b) => a.seq - b.seq);
    for (const op of ops) {
      if (op.action === "link" && op.payload === undefined) {
        // Nothing differs: the link is all there is to save.
        await this.confirm(op, { Id: op.qboId, SyncToken: op.syncToken ?? "" });
        continue;
      }
      try {
        op.payload = resolveLocalRefs(op.payload ?? {}, (ref) => this.links.get(ref)?.qboId);
      } catch (err) {
        if (!(err instanceof UnresolvedReferenceError)) throw err;
        await this.failDependency(op, err.ref);
        continue;
      }
      sendable.push(op);
      writes.push(toWrite(op));
    }
    if (sendable.length === 0) return;
    const batchKey =
      kind === "batch" && sendable.length > 1 ? `batch:${this.newId()}` : `single:${sendable[0]!.requestId}`;
    await store.markSent(
      sendable.map((op) => ({ id: op.id, batchKey, payload: op.payload! })),
      this.now(),
    );
    for (const op of sendable) {
      op.state = "sent";
      op.batchKey = batchKey;
    }
    this.run.calls++;
    this.run.operations += sendable.length;
    const results = batchKey.startsWith("single:")
      ? [await this.o.qbo.write(writes[0]!)]
      : await this.o.qbo.batch(writes);
    this.noteAnswer(results);
    const confirmed: { op: OutboxOp; object: Record<string, unknown> }[] = [];
    const failed: { op: OutboxOp; failure: ClassifiedFailure }[] = [];
    const stale: { op: OutboxOp; failure: ClassifiedFailure }[] = [];
    const unknown: OutboxOp[] = [];
    for (const [i, r] of results.entries()) {
      const op = sendable[i]!;
      if (r.ok) {
        confirmed.push({ op, object: r.object });
        continue;
      }
      if (r.needsReconnect)
        this.stop = {
          status: "needs-reconnect",
          note: "QuickBooks refused the connection; reconnect to continue",
        };
      // Left "sent": the next run sends it again identically and learns what happened.
      if (r.outcomeUnknown) unknown.push(op);
      else if (r.failure.code === "5010" && (op.action === "update" || op.action === "link"))
        stale.push({ op, failure: r.failure });
      else failed.push({ op, failure: r.failure });
    }
    // The whole answer in one commit (see settleOps); a stale update is retried on its own afterwards.
    await this.settle(confirmed, failed);
    for (const op of unknown) await this.finish(op, false);
    for (const { op, failure } of stale)
      if (!(await this.retryStale(op, failure))) await this.fail(op, failure);
    this.emit({ type: "progress", runId: this.run.id, done: this.done, total: this.total });
    if (this.run.calls % 10 === 0) {
      if (this.o.throttleWaitMs) this.run.throttleWaitMs = Math.round(this.o.throttleWaitMs());
      await store.saveRun(this.run);
    }
  }

  /** Counts calls QuickBooks left unanswered in a row; enough of them stop the run's sending. */
  private noteAnswer(results: readonly QboWriteResult[]): void {
    const first = results[0];
    const unanswered = first !== undefined && results.every((r) => !r.ok && r.outage !== undefined);
    if (!unanswered) {
      this.unansweredInARow = 0;
      this.answeredCalls++;
      return;
    }
    if (!first.ok) this.outage = first.outage;
    this.unansweredInARow++;
    if (this.unansweredInARow >= UNANSWERED_CALLS_TO_STOP && !this.stop)
      this.stop = { status: "unreachable", note: "" };
  }

  /** A 5010: re-read, check field by field who changed what, and send ours again once if no conflict. */
  private async retryStale(op: OutboxOp, failure: ClassifiedFailure): Promise<boolean> {
    const { store, qbo } = this.o;
    const theirs = await qbo.read(op.entity, op.qboId ?? "");
    if (!theirs) return false;
    const base = await store.lastSentPayload(op.ref);
    const { Id: _id, SyncToken: _t, sparse: _s, ...ours } = op.payload ?? {};
    const { merged, conflicts } = threeWay(base, ours, theirs);
    if (conflicts.length > 0) {
      const detail = conflicts
        .map(
          (c) =>
            `${c.field}: QuickBooks has ${JSON.stringify(c.theirs)}, the app has ${JSON.stringify(c.ours)}`,
        )
        .join("; ");
      await this.fail(op, {
        category: "stale",
        code: "conflict",
        message: `Changed in QuickBooks and in the app since the last sync; choose which to keep (${conflicts.map((c) => c.field).join(", ")})`,
        detail,
      });
      return true;
    }
    const retry: OutboxOp = {
      ...op,
      requestId: `${op.requestId}-r${String(theirs["SyncToken"] ?? "")}`.slice(0, 36),
      payload: { ...merged, Id: op.qboId, SyncToken: String(theirs["SyncToken"] ?? ""), sparse: true },
    };
    const batchKey = `single:${retry.requestId}`;
    await store.markSent([{ id: op.id, batchKey, payload: retry.payload! }], this.now());
    this.run.calls++;
    const r = await qbo.write(toWrite(retry));
    if (r.ok) {
      await this.confirm(retry, r.object);
      return true;
    }
    await this.fail(op, r.ok ? failure : r.failure);
    return true;
  }

  private confirm(op: OutboxOp, object: Record<string, unknown>): Promise<void> {
    return this.settle([{ op, object }], []);
  }

  private fail(op: OutboxOp, failure: ClassifiedFailure): Promise<void> {
    return this.settle([], [{ op, failure }]);
  }

  /** Records a call's confirmations and refusals in one store transaction (one commit per call). */
  private async settle(
    items: readonly { op: OutboxOp; object: Record<string, unknown> }[],
    failed: readonly { op: OutboxOp; failure: ClassifiedFailure }[],
  ): Promise<void> {
    if (items.length === 0 && failed.length === 0) return;
    // Before the first await: a second lane failing the same dependant meanwhile must see it taken.
    for (const { op, failure } of failed) {
      op.state = "failed";
      op.error = failure;
    }
    const withLinks = await recordAnswer(this.o.store, items, failed, this.now());
    for (const { op, failure } of failed) {
      this.count(op.entity, "failed");
      this.outcomes.push({ ref: op.ref, action: op.action, outcome: "failed", failure });
      this.emit({ type: "step-failed", runId: this.run.id, ref: op.ref, action: op.action, failure });
    }
    for (const { op, link } of withLinks) {
      op.state = "confirmed";
      if (link) this.links.set(op.ref, link);
      else if (op.action === "delete") this.links.delete(op.ref);
      const outcome = stepOutcome[op.action];
      this.count(op.entity, outcome);
      const qboId = link?.qboId ?? op.qboId;
      this.outcomes.push({ ref: op.ref, action: op.action, outcome, ...(qboId ? { qboId } : {}) });
      this.emit({
        type: "step-done",
        runId: this.run.id,
        ref: op.ref,
        action: op.action,
        outcome,
        ...(qboId ? { qboId } : {}),
      });
    }
    for (const { op } of withLinks) await this.finish(op, true);
    for (const { op } of failed) await this.finish(op, false);
  }

  private async failDependency(op: OutboxOp, need: RecordRef): Promise<void> {
    if (op.state !== "planned") return;
    await this.fail(op, {
      category: "inactive-or-missing",
      message: `It needs ${need}, which is not in QuickBooks (it could not be synced in this run)`,
    });
  }

  private defer(op: OutboxOp): void {
    if (op.state !== "planned" || this.deferred.has(op.id)) return;
    this.deferred.add(op.id);
    for (const d of this.dependents.get(op.ref) ?? []) this.defer(d);
  }

  /** Marks a record's op finished and releases (or fails) the ops that were waiting for it. */
  private async finish(op: OutboxOp, ok: boolean): Promise<void> {
    this.remaining--;
    this.done++;
    for (const d of this.dependents.get(op.ref) ?? []) {
      if (d.state !== "planned") continue;
      // Sent, outcome unknown: what needs it is not failed (it may well be in QBO), only left for later.
      if (!ok && op.state === "sent" && !this.links.has(op.ref)) {
        this.defer(d);
        continue;
      }
      if (!ok && !this.links.has(op.ref)) {
        await this.failDependency(d, op.ref);
        continue;
      }
      const w = (this.waiting.get(d.id) ?? 1) - 1;
      this.waiting.set(d.id, w);
      if (w === 0) this.ready.push(d);
    }
  }
}
