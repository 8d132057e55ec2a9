import { useEffect, useState } from "react";
import { apiRequest, companyPath, errorMessage, query } from "../api-client.js";
import type { ErrorsPage, PlanResponse, RunPage, RunSummary, StartRunResponse } from "../api-types.js";
import { StackedBarChart, type BarColumn } from "../components/bar-chart.js";
import { QboUnreachableNotice } from "../components/qbo-unreachable-notice.js";
import { LoadError, Notice, Screen } from "../components/screen.js";
import { ConnectionBadge, HealthBadge, type SyncHealth } from "../components/status-badge.js";
import { useConsole } from "../console-context.js";
import { useSyncEvents } from "../event-stream.js";
import { formatCount, formatDuration, formatWhen, plural } from "../format.js";
import { Link, setQuery, useLocation } from "../router.js";
import type { ConnectionResponse, StatusResponse } from "../status-types.js";
import { useResource } from "../use-resource.js";
import type { ConsoleSettings } from "./connection-screen.js";

interface Progress {
  runId: string;
  done: number;
  total: number;
}

const runStatusWords: Record<RunSummary["status"], string> = {
  running: "running",
  succeeded: "finished",
  partial: "finished with problems",
  failed: "failed",
  cancelled: "stopped",
  interrupted: "interrupted (it finishes at the next sync)",
  "needs-reconnect": "stopped: QuickBooks needs you to sign in again",
};

function healthOf(s: StatusResponse, latest: RunSummary | undefined, running: boolean): SyncHealth {
  if (running || latest?.status === "running") return "running";
  if (s.connection.state === "disabled") return "off";
  if (s.counts.openErrors > 0 || s.connection.state === "needs-reconnect") return "errors";
  if (!latest) return "never";
  return latest.status === "succeeded" ? "done" : "errors";
}

function nextRunText(settings: Record<string, unknown> | undefined, enabled: boolean | undefined): string {
  if (enabled === false) return "None: the sync is turned off.";
  const schedule = (settings as Partial<ConsoleSettings> | undefined)?.schedule;
  if (!schedule || schedule.mode === "manual") return "When you press Sync now.";
  if (schedule.mode === "every") return `Every ${schedule.everyMinutes ?? 60} minutes.`;
  return `Once a day at ${schedule.dailyAt ?? "02:00"}.`;
}

export function OverviewScreen() {
  const { company, revision, notify, refreshAll } = useConsole();
  const { params } = useLocation();
  const status = useResource<StatusResponse>("/api/status", revision);
  const runs = useResource<RunPage>(companyPath(company, "runs") + query({ limit: 30 }), revision);
  const conn = useResource<ConnectionResponse>(companyPath(company, "connection"), revision);
  const problems = useResource<ErrorsPage>(companyPath(company, "errors") + query({ limit: 1 }), revision);
  const [progress, setProgress] = useState<Progress | undefined>();
  const [starting, setStarting] = useState(false);
  const [plan, setPlan] = useState<PlanResponse | "loading" | undefined>();

  // Back from QuickBooks' sign-in (the callback redirects to /?connected=<company>).
  const connected = params.get("connected");
  useEffect(() => {
    if (connected) {
      notify("Connected to QuickBooks.");
      setQuery({ connected: undefined });
    }
  }, [connected, notify]);

  const latest = runs.data?.items[0];
  // A run already going when the screen opened: show it as running until its events arrive.
  const activeRunId = progress?.runId ?? (latest?.status === "running" ? latest.id : undefined);

  const { live } = useSyncEvents((e) => {
    if (e.type === "run-started") setProgress({ runId: e.runId, done: 0, total: e.total });
    else if (e.type === "progress") setProgress({ runId: e.runId, done: e.done, total: e.total });
    else if (e.type === "run-finished") {
      setProgress(undefined);
      const c = e.run.counts;
      notify(
        e.run.qboUnreachable
          ? `Sync ${runStatusWords[e.run.status]}: QuickBooks could not be reached. Nothing is lost; sync again later.`
          : `Sync ${runStatusWords[e.run.status]}: ${c.created} created, ${c.updated} updated, ${c.linked} linked, ${c.failed + c.blocked} need attention.`,
        e.run.status === "failed" ? "bad" : "ok",
      );
      refreshAll();
    } else if (e.type === "run-error") {
      setProgress(undefined);
      notify(e.message, "bad");
      refreshAll();
    }
  });

  const syncNow = async () => {
    setStarting(true);
    try {
      const r = await apiRequest<StartRunResponse>(companyPath(company, "runs"), {
        method: "POST",
        body: {},
      });
      setProgress((p) => (p?.runId === r.runId ? p : { runId: r.runId, done: 0, total: 0 }));
    } catch (err) {
      notify(errorMessage(err), "bad");
    } finally {
      setStarting(false);
    }
  };

  const cancel = async () => {
    if (!activeRunId) return;
    try {
      await apiRequest(companyPath(company, "runs", activeRunId, "cancel"), { method: "POST" });
      notify("Stopping after the records already on their way to QuickBooks…");
    } catch (err) {
      notify(errorMessage(err), "bad");
    }
  };

  const preview = async () => {
    setPlan("loading");
    try {
      setPlan(
        await apiRequest<PlanResponse>(companyPath(company, "runs", "plan") + query({ limit: 100 }), {
          method: "POST",
          body: {},
        }),
      );
    } catch (err) {
      setPlan(undefined);
      notify(errorMessage(err), "bad");
    }
  };

  const s = status.data && {
    ...status.data,
    counts: { ...status.data.counts, openErrors: problems.data?.total ?? status.data.counts.openErrors },
  };
  const running = activeRunId !== undefined;
  const canSync = s?.connection.state === "connected" && !running && !starting;
  const lastFinished = runs.data?.items.find((r) => r.status !== "running");
  const pct = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : undefined;

  return (
    <Screen
      title="Overview"
      lead="How the sync with QuickBooks is going, and what needs you next."
      actions={
        <>
          <button
            type="button"
            onClick={preview}
            disabled={s?.connection.state !== "connected" || plan === "loading"}
          >
            {plan === "loading" ? "Working out the plan…" : "Preview next sync"}
          </button>
          <button type="button" className="primary" onClick={syncNow} disabled={!canSync}>
            {running ? "Syncing…" : starting ? "Starting…" : "Sync now"}
          </button>
        </>
      }
    >
      {status.error && <LoadError message={status.error} retry={status.reload} />}
      {s && (
        <>
          <section className="panel" aria-labelledby="health-title">
            <h2 id="health-title">
              Sync status <HealthBadge health={healthOf(s, latest, running)} />{" "}
              {!live && <span className="muted">(live updates paused: reconnecting…)</span>}
            </h2>
            {running ? (
              <div data-testid="sync-progress">
                <div
                  className="progress"
                  role="progressbar"
                  aria-label="Sync progress"
                  aria-valuemin={0}
                  aria-valuemax={progress?.total || 100}
                  aria-valuenow={progress?.done ?? 0}
                  aria-valuetext={
                    pct === undefined
                      ? "Starting"
                      : `${formatCount(progress!.done)} of ${formatCount(progress!.total)} records`
                  }
                >
                  <div style={{ width: `${pct ?? 2}%` }} />
                </div>
                <p className="actions">
                  <span>
                    {pct === undefined
                      ? "Reading QuickBooks and working out what to send…"
                      : `${formatCount(progress!.done)} of ${plural(progress!.total, "record")} done (${pct}%).`}
                  </span>
                  <button type="button" onClick={cancel}>
                    Stop the sync
                  </button>
                </p>
              </div>
            ) : lastFinished?.qboUnreachable && s.connection.state === "connected" ? (
              <QboUnreachableNotice
                note={lastFinished.note ?? ""}
                at={lastFinished.finishedAt}
                onSyncAgain={syncNow}
                busy={starting}
              />
            ) : (
              <NextStep status={s} />
            )}
          </section>

          {plan && plan !== "loading" && <PlanPanel plan={plan} onClose={() => setPlan(undefined)} />}

          <div className="cards">
            <Card testId="count-customers" value={s.counts.customers} label="customers in your app" />
            <Card testId="count-linked" value={s.counts.linkedCustomers} label="linked to QuickBooks" />
            <Card testId="count-errors" value={s.counts.openErrors} label="need your attention" />
          </div>

          <div className="grid-2">
            <section className="panel" aria-labelledby="last-run-title">
              <h2 id="last-run-title">Last sync</h2>
              {lastFinished ? (
                <p data-testid="last-run">
                  {formatWhen(lastFinished.startedAt)}, {runStatusWords[lastFinished.status]}
                  {lastFinished.durationMs !== null && ` in ${formatDuration(lastFinished.durationMs)}`}:{" "}
                  {lastFinished.counts.created} created, {lastFinished.counts.updated} updated,{" "}
                  {lastFinished.counts.linked} linked, {lastFinished.counts.skipped} unchanged,{" "}
                  {lastFinished.counts.failed + lastFinished.counts.blocked} need attention.
                  {lastFinished.note && ` ${lastFinished.note}`}
                </p>
              ) : (
                <p data-testid="last-run">No sync has run yet.</p>
              )}
              <h2>Next sync</h2>
              <p data-testid="next-run">{nextRunText(conn.data?.settings, conn.data?.enabled)}</p>
            </section>
            <section className="panel" aria-labelledby="qbo-title">
              <h2 id="qbo-title">
                QuickBooks <ConnectionBadge state={s.connection.state} />
              </h2>
              {s.connection.reason && <p>{s.connection.reason}.</p>}
              <Link to="/connection">Connection settings</Link>
            </section>
          </div>

          <div className="grid-2">
            <section className="panel" aria-labelledby="synced-chart">
              <h2 id="synced-chart">Records synced, last {runs.data?.items.length ?? 0} syncs</h2>
              <StackedBarChart
                title="Records synced per sync"
                empty="The chart fills in as syncs run."
                series={[
                  { key: "created", label: "created", colour: "#1d4ed8" },
                  { key: "updated", label: "updated", colour: "#0f766e" },
                  { key: "linked", label: "linked", colour: "#7c3aed" },
                ]}
                columns={runColumns(runs.data?.items ?? [], (r) => ({
                  created: r.counts.created,
                  updated: r.counts.updated + r.counts.reactivated + r.counts.inactivated,
                  linked: r.counts.linked,
                }))}
              />
            </section>
            <ErrorsChart runs={runs.data?.items ?? []} />
          </div>
          {runs.error && <LoadError message={runs.error} retry={runs.reload} />}
        </>
      )}
    </Screen>
  );
}

function runColumns(runs: RunSummary[], values: (r: RunSummary) => Record<string, number>): BarColumn[] {
  const day = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
  return runs
    .filter((r) => r.status !== "running")
    .slice()
    .reverse()
    .map((r) => ({ label: day.format(new Date(r.startedAt)), values: values(r) }));
}

const categoryColours: Record<string, string> = {
  blocked: "#b45309",
  duplicate: "#b91c1c",
  mapping: "#7c3aed",
  "inactive-or-missing": "#0369a1",
  "invalid-data": "#be185d",
  "closed-period": "#4d7c0f",
  stale: "#475569",
  auth: "#991b1b",
  throttled: "#a16207",
  transient: "#64748b",
  other: "#374151",
};

/**
 * Errors by category per sync: records QuickBooks refused (the run's failed writes, each classified)
 * and records held back before sending because a check found a problem ("blocked").
 */
function ErrorsChart({ runs }: { runs: RunSummary[] }) {
  const { company } = useConsole();
  const [byRun, setByRun] = useState<Map<string, Record<string, number>>>(new Map());
  const finished = runs.filter((r) => r.status !== "running").slice(0, 10);
  const key = finished.map((r) => r.id).join(",");
  useEffect(() => {
    const ctrl = new AbortController();
    void Promise.all(
      finished.map(async (r) => {
        const counts: Record<string, number> = { blocked: r.counts.blocked };
        if (r.counts.failed > 0) {
          const ops = await apiRequest<{ items: { error: { category: string } | null }[] }>(
            companyPath(company, "runs", r.id, "ops") + query({ state: "failed", limit: 500 }),
            { signal: ctrl.signal },
          ).catch(() => ({ items: [] }));
          for (const op of ops.items) {
            const cat = op.error?.category ?? "other";
            counts[cat] = (counts[cat] ?? 0) + 1;
          }
        }
        return [r.id, counts] as const;
      }),
    ).then((entries) => {
      if (!ctrl.signal.aborted) setByRun(new Map(entries));
    });
    return () => ctrl.abort();
    // `key` names the runs; the run objects themselves are new on every load.
  }, [company, key]);
  const seen = new Set<string>();
  for (const counts of byRun.values()) for (const [k, v] of Object.entries(counts)) if (v > 0) seen.add(k);
  const series = [...seen].map((k) => ({
    key: k,
    label: k === "blocked" ? "held back by a check" : k.replace(/-/g, " "),
    colour: categoryColours[k] ?? "#374151",
  }));
  return (
    <section className="panel" aria-labelledby="errors-chart">
      <h2 id="errors-chart">Errors by category, last {finished.length} syncs</h2>
      <StackedBarChart
        title="Errors by category per sync"
        empty="No errors in recent syncs."
        series={series}
        columns={series.length === 0 ? [] : runColumns(finished, (r) => byRun.get(r.id) ?? {})}
      />
    </section>
  );
}

function Card({ value, label, testId }: { value: number; label: string; testId: string }) {
  return (
    <div className="card">
      <div className="value" data-testid={testId}>
        {formatCount(value)}
      </div>
      <div className="label">{label}</div>
    </div>
  );
}

const actionWords: Record<string, string> = {
  create: "to create in QuickBooks",
  link: "to link to an existing QuickBooks record",
  update: "to update",
  reactivate: "to make active again",
  inactivate: "to make inactive",
  delete: "to delete",
  skip: "unchanged",
  held: "held by you",
  blocked: "blocked until fixed",
};

function PlanPanel({ plan, onClose }: { plan: PlanResponse; onClose: () => void }) {
  return (
    <section className="panel" aria-labelledby="plan-title" data-testid="plan">
      <div className="screen-head">
        <h2 id="plan-title">What the next sync would do</h2>
        <button type="button" onClick={onClose}>
          Close preview
        </button>
      </div>
      <p>
        {Object.entries(plan.counts)
          .filter(([, n]) => n > 0)
          .map(([action, n]) => `${formatCount(n)} ${actionWords[action] ?? action}`)
          .join(" · ") || "Nothing to do."}
        {plan.reviews > 0 && ` · ${plural(plan.reviews, "match")} waiting for your review`}
      </p>
      <p className="muted">Nothing has been sent. This is a preview only.</p>
      {plan.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">Name</th>
              <th scope="col">Will</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {plan.items
              .filter((s) => s.action !== "skip")
              .slice(0, 50)
              .map((s) => (
                <tr key={s.seq}>
                  <td className="ref">{s.ref}</td>
                  <td>{s.name ?? "—"}</td>
                  <td>{actionWords[s.action] ?? s.action}</td>
                  <td>{s.reason}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NextStep({ status: s }: { status: StatusResponse }) {
  if (s.connection.state === "disconnected") {
    return (
      <Notice tone="info" title="First, connect to QuickBooks" testId="next-step">
        <p>
          <Link className="button primary" to="/connection">
            Connect to QuickBooks
          </Link>
        </p>
      </Notice>
    );
  }
  if (s.connection.state === "needs-reconnect") {
    return (
      <Notice tone="bad" title="QuickBooks needs you to sign in again" testId="next-step">
        <p>{s.connection.reason}. Nothing waiting to sync is lost.</p>
        <p>
          <Link className="button primary" to="/connection">
            Reconnect
          </Link>
        </p>
      </Notice>
    );
  }
  if (s.connection.state === "disabled") {
    return (
      <Notice tone="warn" title="The sync is turned off" testId="next-step">
        <p>
          Turn it on in <Link to="/connection">Connection settings</Link>.
        </p>
      </Notice>
    );
  }
  if (s.counts.openErrors > 0) {
    return (
      <Notice tone="bad" title={`${plural(s.counts.openErrors, "problem")} to fix`} testId="next-step">
        <p>Each one says what went wrong and offers a fix.</p>
        <p>
          <Link className="button primary" to="/errors">
            Fix errors
          </Link>
        </p>
      </Notice>
    );
  }
  return (
    <Notice tone="ok" title="Nothing needs you right now" testId="next-step">
      <p>New and changed records go to QuickBooks at the next sync, or press Sync now.</p>
    </Notice>
  );
}
