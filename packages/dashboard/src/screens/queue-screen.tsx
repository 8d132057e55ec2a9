import { useState } from "react";
import { apiRequest, companyPath, errorMessage, query } from "../api-client.js";
import type {
  QueueAction,
  QueueBulkResponse,
  QueueEntry,
  QueuePage,
  RecordSyncResponse,
} from "../api-types.js";
import { LoadError, Notice, Screen } from "../components/screen.js";
import { VirtualList } from "../components/virtual-list.js";
import { useConsole } from "../console-context.js";
import { formatCount, formatWhen, plural } from "../format.js";
import { Link, setQuery, useLocation } from "../router.js";
import { usePagedList } from "../use-paged-list.js";

const reasonWords: Record<QueueEntry["reason"], string> = {
  new: "new",
  changed: "changed",
  deleted: "deleted in your app",
};

const stateTabs = [
  ["", "Everything waiting"],
  ["ready", "Ready"],
  ["held", "Held"],
  ["removed", "Removed"],
] as const;

/** Ready To Sync: what the next sync will send, and the records someone held back. */
export function QueueScreen() {
  const { company, revision, notify, refreshAll } = useConsole();
  const { params } = useLocation();
  const state = params.get("state") ?? "";
  const list = usePagedList<QueueEntry, QueuePage>(
    companyPath(company, "queue") + query({ state }),
    200,
    revision,
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [active, setActive] = useState<number | undefined>();
  const [busy, setBusy] = useState(false);

  const act = async (entry: QueueEntry, action: QueueAction) => {
    setBusy(true);
    try {
      const body =
        action === "release"
          ? undefined
          : { reason: action === "hold" ? "Held from the console" : "Removed from the console" };
      await apiRequest(companyPath(company, "queue", entry.ref, action), {
        method: "POST",
        ...(body ? { body } : {}),
      });
      notify(
        action === "hold"
          ? `${entry.ref} is held: syncs skip it until you release it.`
          : action === "release"
            ? `${entry.ref} is back in the queue.`
            : `${entry.ref} is removed from the queue until your app changes it.`,
      );
      list.reload();
      refreshAll();
    } catch (err) {
      notify(errorMessage(err), "bad");
    } finally {
      setBusy(false);
    }
  };

  const syncOne = async (entry: QueueEntry) => {
    setBusy(true);
    try {
      const r = await apiRequest<RecordSyncResponse>(companyPath(company, "records", entry.ref, "sync"), {
        method: "POST",
      });
      const o = r.outcome;
      notify(
        o?.failure
          ? `${entry.ref} could not be synced: ${o.failure.message}`
          : `${entry.ref}: ${o?.outcome ?? "done"}.`,
        o?.failure ? "bad" : "ok",
      );
      list.reload();
      refreshAll();
    } catch (err) {
      notify(errorMessage(err), "bad");
    } finally {
      setBusy(false);
    }
  };

  const bulk = async (action: QueueAction) => {
    setBusy(true);
    try {
      const r = await apiRequest<QueueBulkResponse>(companyPath(company, "queue", "bulk"), {
        method: "POST",
        body: {
          action,
          refs: [...selected],
          ...(action === "release" ? {} : { reason: "From the console" }),
        },
      });
      const ok = r.results.filter((x) => x.ok).length;
      notify(
        `${plural(ok, "record")} ${action === "hold" ? "held" : action === "release" ? "released" : "removed"}.`,
      );
      setSelected(new Set());
      list.reload();
      refreshAll();
    } catch (err) {
      notify(errorMessage(err), "bad");
    } finally {
      setBusy(false);
    }
  };

  const toggle = (ref: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(ref)) n.delete(ref);
      else n.add(ref);
      return n;
    });

  return (
    <Screen
      title="Ready to sync"
      lead="Records waiting for the next sync: new ones, changed ones and ones deleted in your app. Hold a record to keep it out of QuickBooks for now."
    >
      <div className="tabs" role="tablist" aria-label="Queue">
        {stateTabs.map(([value, label]) => (
          <button
            key={value}
            type="button"
            role="tab"
            aria-selected={state === value}
            onClick={() => {
              setSelected(new Set());
              setQuery({ state: value || undefined });
            }}
          >
            {label}
          </button>
        ))}
      </div>
      {list.error && <LoadError message={list.error} retry={list.reload} />}
      {list.first && list.items.length === 0 && (
        <Notice tone="ok" title="Nothing waiting" testId="queue-empty">
          <p>Every record is in step with QuickBooks.</p>
        </Notice>
      )}
      {list.items.length > 0 && (
        <>
          <div className="actions" style={{ marginBottom: "0.5rem" }}>
            <span className="muted">{plural(selected.size, "record")} selected:</span>
            <button type="button" disabled={busy || selected.size === 0} onClick={() => void bulk("hold")}>
              Hold
            </button>
            <button type="button" disabled={busy || selected.size === 0} onClick={() => void bulk("release")}>
              Release
            </button>
            <button type="button" disabled={busy || selected.size === 0} onClick={() => void bulk("remove")}>
              Remove
            </button>
          </div>
          <VirtualList
            label="Records waiting to sync"
            items={list.items}
            rowHeight={44}
            height={Math.max(240, Math.min(560, window.innerHeight - 300))}
            columns="3rem 7rem minmax(10rem, 2fr) 9rem 6rem 5rem 21rem"
            rowKey={(e) => e.ref}
            hasMore={list.hasMore}
            onNearEnd={list.loadMore}
            activeIndex={active}
            onActivate={setActive}
            header={
              <>
                <div role="columnheader">
                  <span className="sr-only">Select</span>
                </div>
                <div role="columnheader">Record</div>
                <div role="columnheader">Name</div>
                <div role="columnheader">Why waiting</div>
                <div role="columnheader">State</div>
                <div role="columnheader">Errors</div>
                <div role="columnheader">Actions</div>
              </>
            }
            renderRow={(e) => (
              <>
                <div role="gridcell">
                  <input
                    type="checkbox"
                    aria-label={`Select ${e.ref}`}
                    checked={selected.has(e.ref)}
                    onChange={() => toggle(e.ref)}
                  />
                </div>
                <div role="gridcell" className="ref">
                  {e.ref}
                </div>
                <div role="gridcell" title={e.name ?? undefined}>
                  {e.name ?? "—"}
                </div>
                <div role="gridcell">{reasonWords[e.reason]}</div>
                <div
                  role="gridcell"
                  title={
                    e.hold ? `${e.hold.reason ?? ""} (${e.hold.by}, ${formatWhen(e.hold.at)})` : undefined
                  }
                >
                  {e.state}
                </div>
                <div role="gridcell">
                  {e.openErrors > 0 ? (
                    <Link to={`/errors?ref=${encodeURIComponent(e.ref)}`}>{e.openErrors}</Link>
                  ) : (
                    "—"
                  )}
                </div>
                <div role="gridcell" className="actions" style={{ flexWrap: "nowrap" }}>
                  {e.state === "ready" ? (
                    <button type="button" disabled={busy} onClick={() => void act(e, "hold")}>
                      Hold
                    </button>
                  ) : (
                    <button type="button" disabled={busy} onClick={() => void act(e, "release")}>
                      Release
                    </button>
                  )}
                  {e.state !== "removed" && (
                    <button type="button" disabled={busy} onClick={() => void act(e, "remove")}>
                      Remove
                    </button>
                  )}
                  <button
                    type="button"
                    disabled={busy || e.state !== "ready"}
                    onClick={() => void syncOne(e)}
                  >
                    Sync this one
                  </button>
                </div>
              </>
            )}
          />
          <p className="muted">
            Showing {formatCount(list.items.length)}
            {list.hasMore ? "; scroll for more" : ""}.
          </p>
        </>
      )}
    </Screen>
  );
}
