import type { SyncRunSummary } from "@ledgerlink/core";

/** A run's counts in words, as `sync` ends and `status` shows the last run. */
export function countsText(c: SyncRunSummary["counts"]): string {
  return `${c.created} created, ${c.linked} linked, ${c.updated} updated, ${c.skipped} unchanged, ${c.held} held, ${c.blocked} blocked, ${c.failed} failed${c.pending ? `, ${c.pending} awaiting confirmation` : ""}`;
}

/** One line for a run: status, when, and what it did. */
export function runLine(r: SyncRunSummary): string {
  return `${r.status} (${r.trigger}, started ${r.startedAt}, run ${r.id}): ${countsText(r.counts)}${r.note ? ` — ${r.note}` : ""}`;
}
