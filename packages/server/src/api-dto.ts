import type {
  ClassifiedFailure,
  Finding,
  PlanStep,
  QboUnreachable,
  QboUnreachableDto,
  Repair,
  RunSummaryDto,
  SyncEvent,
  SyncEventDto,
  SyncRunSummary,
} from "@ledgerlink/core";

/** The engine's shapes as the API contract has them (absent fields as null, durations computed). */

export function runSummaryDto(run: SyncRunSummary): RunSummaryDto {
  return {
    id: run.id,
    companyId: run.companyId,
    trigger: run.trigger,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? null,
    status: run.status,
    counts: run.counts,
    byEntity: run.byEntity as RunSummaryDto["byEntity"],
    operations: run.operations,
    calls: run.calls,
    throttleWaitMs: run.throttleWaitMs,
    note: run.note ?? null,
    durationMs: run.finishedAt === undefined ? null : Date.parse(run.finishedAt) - Date.parse(run.startedAt),
    qboUnreachable: run.qboUnreachable ? qboUnreachableDto(run.qboUnreachable) : null,
  };
}

export function qboUnreachableDto(u: QboUnreachable): QboUnreachableDto {
  return {
    during: u.during,
    kind: u.kind,
    attempts: u.attempts,
    status: u.kind === "status" ? u.status : null,
    timeoutMs: u.kind === "timeout" ? u.timeoutMs : null,
  };
}

export function failureDto(f: ClassifiedFailure) {
  return {
    category: f.category,
    message: f.message,
    ...(f.code === undefined ? {} : { code: f.code }),
    ...(f.detail === undefined ? {} : { detail: f.detail }),
    ...(f.element === undefined ? {} : { element: f.element }),
  };
}

export function findingDto(f: Finding) {
  return {
    ref: f.ref,
    category: f.category,
    severity: f.severity,
    message: f.message,
    rule: { id: f.rule.id, text: f.rule.text, source: f.rule.source },
    ...(f.field === undefined ? {} : { field: f.field }),
    fixes: f.fixes.map((x) => ({ action: x.action, label: x.label, params: { ...x.params }, safe: x.safe })),
  };
}

export function planStepDto(s: PlanStep) {
  return {
    seq: s.seq,
    ref: s.ref,
    kind: s.kind,
    entity: s.entity,
    action: s.action,
    reason: s.reason,
    name: s.name ?? null,
    qboId: s.qboId ?? null,
    needs: [...s.needs],
    changes: (s.changes ?? []).map((ch) => ({
      field: ch.field,
      ...("before" in ch ? { before: ch.before } : {}),
      ...("after" in ch ? { after: ch.after } : {}),
    })),
    findings: (s.findings ?? []).map(findingDto),
    match: s.match === undefined ? null : { score: s.match.score, reasons: [...s.match.reasons] },
  };
}

export function repairDto(r: Repair) {
  return {
    ref: r.ref,
    action: r.action,
    rule: r.rule,
    summary: r.summary,
    ...(r.field === undefined ? {} : { field: r.field }),
    ...("before" in r ? { before: r.before } : {}),
    ...("after" in r ? { after: r.after } : {}),
  };
}

export function syncEventDto(e: SyncEvent): SyncEventDto {
  switch (e.type) {
    case "run-finished":
      return { type: e.type, run: runSummaryDto(e.run) };
    case "step-failed":
      return { type: e.type, runId: e.runId, ref: e.ref, action: e.action, failure: failureDto(e.failure) };
    case "step-done":
      return {
        type: e.type,
        runId: e.runId,
        ref: e.ref,
        action: e.action,
        outcome: e.outcome,
        ...(e.qboId === undefined ? {} : { qboId: e.qboId }),
      };
    default:
      return e;
  }
}
