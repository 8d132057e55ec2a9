import { useState } from "react";
import { companyPath, query } from "../api-client.js";
import type { AuditEntry, AuditPage, SyncEvent } from "../api-types.js";
import { LoadError, Screen } from "../components/screen.js";
import { VirtualList } from "../components/virtual-list.js";
import { useConsole } from "../console-context.js";
import { useSyncEvents } from "../event-stream.js";
import { formatWhen } from "../format.js";
import { Link, setQuery, useLocation } from "../router.js";
import { usePagedList } from "../use-paged-list.js";

interface FeedLine {
  id: number;
  at: string;
  text: string;
  tone: "ok" | "bad" | "info";
  ref?: string;
}

function describe(e: SyncEvent): Omit<FeedLine, "id" | "at"> | undefined {
  switch (e.type) {
    case "run-started":
      return { text: `Sync started: ${e.total} records to go through.`, tone: "info" };
    case "step-done":
      if (e.outcome === "skipped") return undefined;
      return {
        text: `${e.ref} ${e.outcome}${e.qboId ? ` (QuickBooks Id ${e.qboId})` : ""}.`,
        tone: "ok",
        ref: e.ref,
      };
    case "step-failed":
      return { text: `${e.ref} could not be sent: ${e.failure.message}`, tone: "bad", ref: e.ref };
    case "recovered":
      return {
        text: `Picked up an interrupted sync: ${e.confirmed} confirmed, ${e.pending} to finish.`,
        tone: "info",
      };
    case "run-finished":
      return {
        text: `Sync ${e.run.status}: ${e.run.counts.created} created, ${e.run.counts.updated} updated, ${e.run.counts.failed + e.run.counts.blocked} need attention.`,
        tone: e.run.status === "succeeded" ? "ok" : "bad",
      };
    case "run-error":
      return { text: e.message, tone: "bad" };
    default:
      return undefined;
  }
}

/** Activity: what is happening right now (live), and everything Ledgerlink changed (the audit log). */
export function ActivityScreen() {
  const { company, revision } = useConsole();
  const { params } = useLocation();
  const [feed, setFeed] = useState<FeedLine[]>([]);
  const [next, setNext] = useState(1);
  const refFilter = params.get("ref") ?? "";
  const [refText, setRefText] = useState(refFilter);
  const { live } = useSyncEvents((e) => {
    const d = describe(e);
    if (!d) return;
    setFeed((f) => [{ ...d, id: next, at: new Date().toISOString() }, ...f].slice(0, 200));
    setNext((n) => n + 1);
  });
  const audit = usePagedList<AuditEntry, AuditPage>(
    companyPath(company, "audit") + query({ ref: refFilter || undefined }),
    200,
    revision,
  );
  const [active, setActive] = useState<number | undefined>();

  return (
    <Screen
      title="Activity"
      lead="What the sync is doing right now, and a log of every change Ledgerlink made: who, what, which record and when."
    >
      <section className="panel" aria-labelledby="live-title">
        <h2 id="live-title">
          Live{" "}
          {live ? (
            <span className="status ok">connected</span>
          ) : (
            <span className="status warn">reconnecting…</span>
          )}
        </h2>
        <ul className="feed" aria-live="polite" data-testid="live-feed">
          {feed.length === 0 && (
            <li className="muted">Nothing yet. Start a sync from the Overview to watch it here.</li>
          )}
          {feed.slice(0, 50).map((l) => (
            <li key={l.id}>
              <span className="muted">{formatWhen(l.at)}</span> ·{" "}
              <span className={l.tone === "bad" ? "status bad" : undefined}>{l.text}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="audit-title">
        <h2 id="audit-title">Audit log</h2>
        <form
          className="actions"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery({ ref: refText.trim() || undefined });
          }}
        >
          <label htmlFor="audit-ref">Record</label>
          <input
            id="audit-ref"
            type="text"
            placeholder="C:1042"
            value={refText}
            onChange={(e) => setRefText(e.target.value)}
          />
          <button type="submit">Filter</button>
          {refFilter && (
            <button type="button" onClick={() => (setRefText(""), setQuery({ ref: undefined }))}>
              Show all
            </button>
          )}
        </form>
        {audit.error && <LoadError message={audit.error} retry={audit.reload} />}
        {audit.first && audit.items.length === 0 && <p className="muted">Nothing recorded yet.</p>}
        {audit.items.length > 0 && (
          <VirtualList
            label="Audit log"
            items={audit.items}
            rowHeight={40}
            height={420}
            columns="11rem 9rem minmax(10rem, 1fr) 8rem minmax(12rem, 2fr)"
            rowKey={(a) => a.id}
            hasMore={audit.hasMore}
            onNearEnd={audit.loadMore}
            activeIndex={active}
            onActivate={setActive}
            header={
              <>
                <div role="columnheader">When</div>
                <div role="columnheader">Record</div>
                <div role="columnheader">What</div>
                <div role="columnheader">Who</div>
                <div role="columnheader">Change</div>
              </>
            }
            renderRow={(a) => {
              const change = summarise(a);
              return (
                <>
                  <div role="gridcell">{formatWhen(a.at)}</div>
                  <div role="gridcell" className="ref">
                    {a.ref.startsWith("C:") ? (
                      <Link to={`/customers/${encodeURIComponent(a.ref)}`}>{a.ref}</Link>
                    ) : (
                      a.ref
                    )}
                  </div>
                  <div role="gridcell">{a.action}</div>
                  <div role="gridcell">{a.actor}</div>
                  <div role="gridcell" title={change}>
                    {change}
                  </div>
                </>
              );
            }}
          />
        )}
      </section>
    </Screen>
  );
}

function summarise(a: AuditEntry): string {
  const short = (v: unknown) => {
    if (v === null || v === undefined) return "—";
    const s = typeof v === "string" ? v : JSON.stringify(v);
    return s.length > 60 ? s.slice(0, 59) + "…" : s;
  };
  if (a.before === null && a.after === null) return short(a.detail);
  return `${short(a.before)} → ${short(a.after)}`;
}
