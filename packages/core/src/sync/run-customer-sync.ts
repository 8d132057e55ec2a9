import { fingerprint } from "../fingerprint.js";
import { planCustomers, type CustomerPlanStep } from "../plan.js";
import type { ClassifiedFailure, Clock, QboCustomerApi, SyncRun, SyncStore } from "../ports.js";
import { classifyFailure } from "./classify-failure.js";

export interface CustomerSyncOptions {
  store: SyncStore;
  qbo: QboCustomerApi;
  clock: Clock;
  /** Plan only: nothing is written to QBO or to links. */
  dryRun?: boolean;
}

export interface CustomerSyncResult {
  run: SyncRun | undefined;
  plan: CustomerPlanStep[];
  outcomes: { ref: string; action: string; ok: boolean; qboId?: string; error?: string; code?: string }[];
}

/**
 * One customer sync: plan, then execute in plan order. A failure of one record is recorded as a sync
 * error against that record and the run goes on; children of a failed parent are skipped.
 */
export async function runCustomerSync(opts: CustomerSyncOptions): Promise<CustomerSyncResult> {
  const { store, qbo, clock } = opts;
  const [customers, links] = await Promise.all([store.listCustomers(), store.listCustomerLinks()]);
  const plan = planCustomers({ customers, links });
  if (opts.dryRun) return { run: undefined, plan, outcomes: [] };

  const run = await store.startRun(clock.now().toISOString());
  const outcomes: CustomerSyncResult["outcomes"] = [];
  const failedLocalIds = new Set<string>();
  /** Records a step's failure against its record; the run goes on. */
  const fail = async (step: CustomerPlanStep, failure: ClassifiedFailure): Promise<void> => {
    run.failed++;
    failedLocalIds.add(step.localId);
    await store.recordError({ runId: run.id, ref: step.ref, localId: step.localId, failure });
    const outcome: CustomerSyncResult["outcomes"][number] = {
      ref: step.ref,
      action: step.action,
      ok: false,
      error: failure.message,
    };
    if (failure.code !== undefined) outcome.code = failure.code;
    outcomes.push(outcome);
  };

  for (const step of plan) {
    if (step.action === "skip") {
      run.skipped++;
      continue;
    }
    if (step.action === "blocked") {
      await fail(step, { category: "inactive-or-missing", message: step.reason });
      continue;
    }
    const parentLink = step.parentLocalId === undefined ? undefined : links.get(step.parentLocalId);
    if (step.parentLocalId !== undefined && !parentLink) {
      const message = failedLocalIds.has(step.parentLocalId)
        ? "its parent customer could not be synced in this run"
        : "its parent customer is not linked to QuickBooks";
      await fail(step, { category: "inactive-or-missing", message });
      continue;
    }
    const payload = { ...step.payload };
    if (parentLink) payload.ParentRef = { value: parentLink.qboId };
    // The request id names the operation (record, action, content, and the SyncToken it builds on),
    // so a retry of the same write is answered from QBO's cache instead of writing twice.
    const requestId = fingerprint([
      store.companyId,
      step.ref,
      step.action,
      step.fingerprint,
      step.link?.syncToken,
    ]);
    try {
      const saved =
        step.action === "create"
          ? await qbo.createCustomer(payload, { requestId })
          : await qbo.updateCustomer(
              { ...payload, Id: step.link!.qboId, SyncToken: step.link!.syncToken, sparse: true },
              { requestId },
            );
      const link = {
        localId: step.localId,
        qboId: saved.Id!,
        syncToken: saved.SyncToken!,
        fingerprint: step.fingerprint,
        lastSyncedAt: clock.now().toISOString(),
      };
      await store.saveCustomerLink(link);
      links.set(step.localId, link);
      await store.resolveErrors(step.localId, link.lastSyncedAt);
      await store.audit({
        ref: step.ref,
        action: step.action === "create" ? "qbo.customer.created" : "qbo.customer.updated",
        actor: "sync",
        detail: { qboId: link.qboId, runId: run.id },
      });
      if (step.action === "create") run.created++;
      else run.updated++;
      outcomes.push({ ref: step.ref, action: step.action, ok: true, qboId: link.qboId });
    } catch (err) {
      await fail(step, classifyFailure(err));
    }
  }
  run.finishedAt = clock.now().toISOString();
  run.status = run.failed === 0 ? "succeeded" : run.created + run.updated > 0 ? "partial" : "failed";
  await store.finishRun(run);
  return { run, plan, outcomes };
}
