import {
  stepOutcome,
  type ClassifiedFailure,
  type Finding,
  type OutboxOp,
  type RecordLink,
  type SyncRunSummary,
} from "@ledgerlink/core";
import type { NewOutboundEvent } from "./outbound-store.js";

/**
 * The outbound events of the sync engine's writes, built where those writes are committed (the
 * sync-engine and review stores call these inside their transactions).
 */

export function syncedEvents(
  items: readonly { op: OutboxOp; link: RecordLink | null }[],
): NewOutboundEvent[] {
  return items.map(({ op, link }) => ({
    type: "record.synced",
    subject: op.ref,
    data: {
      ref: op.ref,
      runId: op.runId,
      action: stepOutcome[op.action],
      qboEntity: op.entity,
      qboId: link?.qboId ?? op.qboId ?? null,
    },
  }));
}

export function refusedEvent(op: OutboxOp, failure: ClassifiedFailure): NewOutboundEvent {
  return {
    type: "record.blocked",
    subject: op.ref,
    data: {
      ref: op.ref,
      runId: op.runId,
      source: "qbo",
      problems: [
        {
          category: failure.category,
          message: failure.message,
          ...(failure.code === undefined ? {} : { code: failure.code }),
        },
      ],
    },
  };
}

/** One `record.blocked` per record with a newly opened finding that blocks sending it. */
export function blockedEvents(runId: string, newFindings: readonly Finding[]): NewOutboundEvent[] {
  const byRef = new Map<string, Finding[]>();
  for (const f of newFindings) {
    if (f.severity !== "blocks") continue;
    byRef.set(f.ref, [...(byRef.get(f.ref) ?? []), f]);
  }
  return [...byRef].map(([ref, findings]) => ({
    type: "record.blocked",
    subject: ref,
    data: {
      ref,
      runId,
      source: "preflight",
      problems: findings.map((f) => ({
        category: f.category,
        message: f.message,
        ...(f.field === undefined ? {} : { field: f.field }),
        code: f.rule.id,
      })),
    },
  }));
}

export function needsReviewEvent(
  runId: string,
  s: { localId: string; qboId: string; score: number; reasons: readonly string[] },
): NewOutboundEvent {
  const ref = `C:${s.localId}`;
  return {
    type: "record.needs_review",
    subject: ref,
    data: { ref, runId, qboId: s.qboId, score: s.score, reasons: [...s.reasons] },
  };
}

/** `run.completed` when a run reaches a final status. */
export function runEndEvents(run: SyncRunSummary): NewOutboundEvent[] {
  if (run.status === "running") return [];
  const out: NewOutboundEvent[] = [
    {
      type: "run.completed",
      subject: `run:${run.id}`,
      data: {
        runId: run.id,
        status: run.status,
        trigger: run.trigger,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt ?? null,
        counts: run.counts,
        note: run.note ?? null,
      },
    },
  ];
  return out;
}

export function mergedInLedgerlinkEvent(m: { survivorId: string; mergedId: string }): NewOutboundEvent {
  const ref = `C:${m.survivorId}`;
  return {
    type: "customer.merged",
    subject: ref,
    data: {
      ref,
      survivorId: m.survivorId,
      mergedId: m.mergedId,
      where: "ledgerlink",
      fromQboId: null,
      toQboId: null,
    },
  };
}

/** `connection.needs_reconnect`: QuickBooks refused the company's grant (written by the token vault). */
export function needsReconnectEvent(reason: string): NewOutboundEvent {
  return { type: "connection.needs_reconnect", subject: "connection", data: { reason, runId: null } };
}
