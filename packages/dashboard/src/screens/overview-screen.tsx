import { useEffect } from "react";
import { useConsole } from "../console-context.js";
import { LoadError, Notice, Screen } from "../components/screen.js";
import { ConnectionBadge, HealthBadge, type SyncHealth } from "../components/status-badge.js";
import { formatWhen } from "../format.js";
import { Link, setQuery, useLocation } from "../router.js";
import type { StatusResponse } from "../status-types.js";
import { useResource } from "../use-resource.js";

function healthOf(s: StatusResponse): SyncHealth {
  if (s.connection.state === "disabled") return "off";
  if (s.lastRun?.status === "running") return "running";
  if (s.counts.openErrors > 0 || s.connection.state === "needs-reconnect") return "errors";
  if (!s.lastRun) return "never";
  return s.lastRun.status === "succeeded" ? "done" : "errors";
}

export function OverviewScreen() {
  const { revision, notify } = useConsole();
  const { params } = useLocation();
  const status = useResource<StatusResponse>("/api/status", revision);

  // Back from QuickBooks' sign-in (the callback redirects to /?connected=<company>).
  const connected = params.get("connected");
  useEffect(() => {
    if (connected) {
      notify("Connected to QuickBooks.");
      setQuery({ connected: undefined });
    }
  }, [connected, notify]);

  const s = status.data;
  return (
    <Screen title="Overview" lead="How the sync with QuickBooks is going, and what needs you next.">
      {status.error && <LoadError message={status.error} retry={status.reload} />}
      {s && (
        <>
          <section className="panel" aria-labelledby="health-title">
            <h2 id="health-title">
              Sync status <HealthBadge health={healthOf(s)} />
            </h2>
            <NextStep status={s} />
          </section>
          <div className="cards">
            <div className="card">
              <div className="value" data-testid="count-customers">
                {s.counts.customers}
              </div>
              <div className="label">customers in your app</div>
            </div>
            <div className="card">
              <div className="value" data-testid="count-linked">
                {s.counts.linkedCustomers}
              </div>
              <div className="label">linked to QuickBooks</div>
            </div>
            <div className="card">
              <div className="value" data-testid="count-errors">
                {s.counts.openErrors}
              </div>
              <div className="label">need your attention</div>
            </div>
          </div>
          <section className="panel" aria-labelledby="last-run-title">
            <h2 id="last-run-title">Last sync</h2>
            {s.lastRun ? (
              <p data-testid="last-run">
                {formatWhen(s.lastRun.startedAt)}: {s.lastRun.created} created, {s.lastRun.updated} updated,{" "}
                {s.lastRun.skipped} unchanged, {s.lastRun.failed} could not be sent.
              </p>
            ) : (
              <p data-testid="last-run">No sync has run yet.</p>
            )}
          </section>
          <section className="panel" aria-labelledby="qbo-title">
            <h2 id="qbo-title">
              QuickBooks <ConnectionBadge state={s.connection.state} />
            </h2>
            {s.connection.reason && <p>{s.connection.reason}.</p>}
            <Link to="/connection">Connection settings</Link>
          </section>
        </>
      )}
    </Screen>
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
      <Notice tone="bad" title={`${s.counts.openErrors} records could not be synced`} testId="next-step">
        <p>Each one says what went wrong and offers a fix.</p>
      </Notice>
    );
  }
  return (
    <Notice tone="ok" title="Nothing needs you right now" testId="next-step">
      <p>New and changed records go to QuickBooks at the next sync.</p>
    </Notice>
  );
}
