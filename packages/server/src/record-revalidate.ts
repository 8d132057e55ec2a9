import { planSync, type Finding, type PlanStep, type RecordRef } from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import { companySyncStore } from "./company-sync-store.js";

export interface Revalidation {
  ref: string;
  /** No finding blocks it and it is not waiting for a match review. */
  clean: boolean;
  findings: Finding[];
  step: PlanStep | undefined;
  /** Problems that went away (their ids). */
  resolved: string[];
}

/**
 * Validates records again after a fix, exactly as the next sync will (the same planner over the stored
 * records, links, decisions and QBO mirror, no call to QBO), records what it finds as their open
 * findings, and puts a clean record back in the Ready-To-Sync queue (its hold released).
 */
export async function revalidateRecords(
  store: Store,
  companyId: string,
  refs: readonly string[],
  by: { actor: string; at: string },
): Promise<Map<string, Revalidation>> {
  const out = new Map<string, Revalidation>();
  if (refs.length === 0) return out;
  const company = store.company(companyId);
  const inputs = await companySyncStore(store, companyId).loadInputs();
  const plan = planSync({ ...inputs, only: refs as RecordRef[] });
  const wanted = new Set(refs);
  const findings = plan.findings.filter((f) => wanted.has(f.ref));
  const { resolved } = await company.api.problems.replaceFindingsFor(refs, findings, "revalidation", by.at);
  const resolvedByRef = new Map<string, string[]>();
  for (const r of resolved) resolvedByRef.set(r.ref, [...(resolvedByRef.get(r.ref) ?? []), r.id]);
  const holds = new Map((await company.sync.listHolds()).map((h) => [h.ref as string, h]));
  for (const ref of refs) {
    const mine = findings.filter((f) => f.ref === ref);
    const step = plan.steps.find((s) => s.ref === ref);
    const inReview = step?.action === "held" && step.reason.startsWith("in review");
    const clean = !mine.some((f) => f.severity === "blocks") && step?.action !== "blocked" && !inReview;
    if (clean && holds.has(ref)) await company.sync.release(ref as RecordRef, by.actor, by.at);
    out.set(ref, { ref, clean, findings: mine, step, resolved: resolvedByRef.get(ref) ?? [] });
  }
  return out;
}
