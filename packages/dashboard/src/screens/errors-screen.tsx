import { useEffect, useMemo, useState } from "react";
import { apiRequest, companyPath, errorMessage, query } from "../api-client.js";
import type {
  BulkFixResponse,
  ErrorFix,
  ErrorItem,
  ErrorsPage,
  FixChoice,
  FixParams,
  FixResult,
} from "../api-types.js";
import { QboUnreachableNotice } from "../components/qbo-unreachable-notice.js";
import { LoadError, Notice, Screen } from "../components/screen.js";
import { VirtualList } from "../components/virtual-list.js";
import { useConsole } from "../console-context.js";
import { formatCount, formatWhen, plural } from "../format.js";
import { Link, navigate, setQuery, useLocation } from "../router.js";
import { usePagedList } from "../use-paged-list.js";

const pageSize = 200;
const rowHeight = 48;

/**
 * The fix a row offers as its one-click button (and bulk selection applies): a safe one that needs no
 * judgement or input. Renames, links and merges are chosen in the error's own panel, with a preview.
 */
function quickFix(item: ErrorItem): ErrorFix | undefined {
  return item.fixes.find((f) => f.executable && f.safe && f.requires.length === 0);
}

export function ErrorsScreen() {
  const { company, revision, notify, refreshAll } = useConsole();
  const { params } = useLocation();
  const category = params.get("category") ?? undefined;
  const openId = params.get("error") ?? undefined;
  const ref = params.get("ref") ?? undefined;
  const list = usePagedList<ErrorItem, ErrorsPage>(
    companyPath(company, "errors") + query({ category, ref }),
    pageSize,
    revision,
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [active, setActive] = useState<number | undefined>();
  const [bulkBusy, setBulkBusy] = useState(false);

  // A new category is a new list: nothing stays selected from the old one.
  useEffect(() => setSelected(new Set()), [category]);

  const [syncing, setSyncing] = useState(false);
  const notice = list.first?.notice ?? null;
  // Sync again from here: the Overview shows the run's progress and how it ended.
  const syncAgain = async () => {
    setSyncing(true);
    try {
      await apiRequest(companyPath(company, "runs"), { method: "POST", body: {} });
      notify("Syncing again; the Overview shows how it goes.");
      navigate("/");
    } catch (err) {
      notify(errorMessage(err), "bad");
    } finally {
      setSyncing(false);
    }
  };

  const groups = list.first?.groups ?? [];
  const total = groups.reduce((n, g) => n + g.count, 0);
  const openItem = list.items.find((i) => i.id === openId);

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const selectable = list.items.filter((i) => quickFix(i) !== undefined);
  const allSelected = selectable.length > 0 && selectable.every((i) => selected.has(i.id));

  const applied = (result: FixResult) => {
    const gone = new Set([result.errorId, ...result.resolved]);
    list.remove((i) => !gone.has(i.id));
    notify(result.message + (result.queued ? " It will go to QuickBooks at the next sync." : ""));
    refreshAll();
  };

  const runQuickFix = async (item: ErrorItem, fix: ErrorFix) => {
    try {
      applied(
        await apiRequest<FixResult>(companyPath(company, "errors", item.id, "fix"), {
          method: "POST",
          body: { action: fix.action, params: {} },
        }),
      );
    } catch (err) {
      notify(errorMessage(err), "bad");
    }
  };

  const bulkFix = async () => {
    const chosen = list.items.filter((i) => selected.has(i.id));
    const fixes = chosen.flatMap((i) => {
      const f = quickFix(i);
      return f ? [{ errorId: i.id, action: f.action, params: {} }] : [];
    });
    if (fixes.length === 0) return;
    setBulkBusy(true);
    try {
      const r = await apiRequest<BulkFixResponse>(companyPath(company, "errors", "fix"), {
        method: "POST",
        body: { fixes },
      });
      const gone = new Set<string>();
      for (const x of r.results) if (x.ok) for (const id of [x.errorId, ...x.result.resolved]) gone.add(id);
      list.remove((i) => !gone.has(i.id));
      setSelected(new Set());
      const firstFailure = r.results.find((x) => !x.ok);
      notify(
        `${plural(r.applied, "fix", "fixes")} applied` +
          (r.failed > 0 && firstFailure && !firstFailure.ok
            ? `; ${r.failed} could not be applied (${firstFailure.error.message})`
            : "."),
        r.failed > 0 ? "bad" : "ok",
      );
      refreshAll();
    } catch (err) {
      notify(errorMessage(err), "bad");
    } finally {
      setBulkBusy(false);
    }
  };

  const columns = "3rem 7rem minmax(8rem, 1fr) minmax(14rem, 3fr) 9rem 12rem";
  return (
    <Screen
      title="Errors"
      lead="Records that could not go to QuickBooks, grouped by what went wrong. Each one says why and offers a fix; fixed records go out at the next sync."
    >
      <div className="tabs" role="tablist" aria-label="Error categories">
        <button
          type="button"
          role="tab"
          aria-selected={category === undefined}
          onClick={() => setQuery({ category: undefined, error: undefined })}
        >
          All ({formatCount(total)})
        </button>
        {groups.map((g) => (
          <button
            key={g.category}
            type="button"
            role="tab"
            aria-selected={category === g.category}
            data-testid={`category-${g.category}`}
            onClick={() => setQuery({ category: g.category, error: undefined })}
          >
            {g.title} ({formatCount(g.count)})
          </button>
        ))}
      </div>

      {notice && (
        <QboUnreachableNotice note={notice.message} at={notice.at} onSyncAgain={syncAgain} busy={syncing} />
      )}
      {list.error && <LoadError message={list.error} retry={list.reload} />}
      {list.first && list.items.length === 0 && !list.hasMore && (
        <Notice tone="ok" title={notice ? "No problems with your records" : "No errors"} testId="no-errors">
          <p>
            {notice ? "The records waiting go to QuickBooks at the next sync. " : "Everything checked out. "}
            <Link to="/">Back to the Overview</Link>
          </p>
        </Notice>
      )}

      {list.items.length > 0 && (
        <>
          <div className="actions" style={{ marginBottom: "0.5rem" }}>
            <label className="check" style={{ margin: 0 }}>
              <input
                type="checkbox"
                checked={allSelected}
                onChange={() => setSelected(allSelected ? new Set() : new Set(selectable.map((i) => i.id)))}
              />
              Select every loaded error with a safe one-click fix ({formatCount(selectable.length)})
            </label>
            <button
              type="button"
              className="primary"
              disabled={selected.size === 0 || bulkBusy}
              onClick={bulkFix}
            >
              {bulkBusy ? "Applying…" : `Apply the safe fix to ${plural(selected.size, "selected error")}`}
            </button>
          </div>
          <div className={openItem ? "errors-split" : undefined}>
            <VirtualList
              label="Errors"
              items={list.items}
              rowHeight={rowHeight}
              height={Math.max(240, Math.min(560, window.innerHeight - 300))}
              columns={columns}
              rowKey={(i) => i.id}
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
                  <div role="columnheader">What went wrong</div>
                  <div role="columnheader">QuickBooks code</div>
                  <div role="columnheader">Fix</div>
                </>
              }
              renderRow={(item) => {
                const fix = quickFix(item);
                return (
                  <>
                    <div role="gridcell">
                      <input
                        type="checkbox"
                        aria-label={`Select ${item.ref}`}
                        checked={selected.has(item.id)}
                        disabled={!fix}
                        onChange={() => toggle(item.id)}
                      />
                    </div>
                    <div role="gridcell" className="ref">
                      {item.ref}
                    </div>
                    <div role="gridcell" title={item.recordName ?? undefined}>
                      {item.recordName ?? "—"}
                    </div>
                    <div role="gridcell" title={item.message}>
                      {item.message}
                    </div>
                    <div role="gridcell">{item.qbo?.code ?? "—"}</div>
                    <div role="gridcell" className="actions" style={{ flexWrap: "nowrap" }}>
                      <button
                        type="button"
                        onClick={() => setQuery({ error: item.id })}
                        aria-label={`Fix ${item.ref}: see the fixes`}
                      >
                        Fix…
                      </button>
                      {fix && (
                        <button
                          type="button"
                          onClick={() => void runQuickFix(item, fix)}
                          title={fix.label}
                          aria-label={`${fix.label} (${item.ref})`}
                        >
                          {shortLabel(fix)}
                        </button>
                      )}
                    </div>
                  </>
                );
              }}
            />
            {openItem && (
              <ErrorDetail
                key={openItem.id}
                item={openItem}
                onClose={() => setQuery({ error: undefined })}
                onApplied={applied}
              />
            )}
          </div>
          <p className="muted">
            Showing {formatCount(list.items.length)} of{" "}
            {formatCount(category ? (groups.find((g) => g.category === category)?.count ?? 0) : total)}.
            Scroll to load more. Use ↑ and ↓ to move between rows.
          </p>
        </>
      )}
      {openId && !openItem && list.first && (
        <Notice tone="info" title="That error is no longer open">
          <p>It was fixed, or it is further down the list.</p>
        </Notice>
      )}
    </Screen>
  );
}

function shortLabel(fix: ErrorFix): string {
  return fix.label.length > 18 ? fix.label.slice(0, 17) + "…" : fix.label;
}

/** One error: what went wrong, why it matters, QBO's own words, and each fix with a preview. */
function ErrorDetail({
  item,
  onClose,
  onApplied,
}: {
  item: ErrorItem;
  onClose: () => void;
  onApplied: (r: FixResult) => void;
}) {
  const { company, notify } = useConsole();
  const [full, setFull] = useState<ErrorItem | undefined>();
  useEffect(() => {
    const ctrl = new AbortController();
    apiRequest<ErrorItem>(companyPath(company, "errors", item.id), { signal: ctrl.signal }).then(
      setFull,
      () => {},
    );
    return () => ctrl.abort();
  }, [company, item.id]);
  const shown = full ?? item;

  return (
    <section className="panel" aria-labelledby="error-detail-title" data-testid="error-detail">
      <div className="screen-head">
        <h2 id="error-detail-title">
          <span className="ref">{shown.ref}</span> {shown.recordName ?? ""}
        </h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p>
        <strong>{shown.message}</strong>
      </p>
      <p>{shown.explanation}</p>
      {shown.qbo && (
        <p className="muted">
          QuickBooks said{shown.qbo.code ? ` (code ${shown.qbo.code})` : ""}: {shown.qbo.message}
          {shown.qbo.detail ? ` — ${shown.qbo.detail}` : ""}
        </p>
      )}
      {shown.review && (
        <p>
          Possible match: QuickBooks customer “{shown.review.qboName ?? shown.review.qboId}”, score{" "}
          {Math.round(shown.review.score * 100)}% ({shown.review.reasons.join(", ")}).{" "}
          <Link to="/review">Open match review</Link>
        </p>
      )}
      <p className="muted">
        {shown.categoryTitle} · found {formatWhen(shown.createdAt)} ·{" "}
        <Link to={`/customers/${encodeURIComponent(shown.ref)}`}>open the record</Link>
      </p>
      <h3>Fixes</h3>
      {shown.fixes.length === 0 && <p>No fix can be applied from here; change the record in your app.</p>}
      {shown.fixes.map((fix, i) => (
        <FixOption
          key={`${fix.action}-${i}`}
          item={shown}
          fix={fix}
          onApplied={onApplied}
          onFailed={(m) => notify(m, "bad")}
        />
      ))}
    </section>
  );
}

function FixOption({
  item,
  fix,
  onApplied,
  onFailed,
}: {
  item: ErrorItem;
  fix: ErrorFix;
  onApplied: (r: FixResult) => void;
  onFailed: (message: string) => void;
}) {
  const { company } = useConsole();
  const [choice, setChoice] = useState<FixParams | undefined>();
  const [custom, setCustom] = useState("");
  const [preview, setPreview] = useState<FixResult | undefined>();
  const [busy, setBusy] = useState(false);
  const choices: FixChoice[] = fix.choices ?? [];
  const needsValue = fix.requires.includes("value");
  const params = useMemo<FixParams | undefined>(() => {
    if (fix.requires.length === 0) return {};
    if (needsValue && custom.trim() !== "") return { value: custom.trim() };
    return choice;
  }, [fix.requires.length, needsValue, custom, choice]);

  if (!fix.executable) {
    return (
      <div className="panel">
        <strong>{fix.label}</strong>
        <p className="muted">
          {fix.href ? (
            fix.action === "reconnect" ? (
              <Link to="/connection">Go to Connection settings</Link>
            ) : (
              <a href={fix.href}>Open</a>
            )
          ) : (
            "This is done in QuickBooks or in your app; sync again afterwards."
          )}
        </p>
      </div>
    );
  }

  const send = async (asPreview: boolean) => {
    if (params === undefined) return;
    setBusy(true);
    try {
      const r = await apiRequest<FixResult>(companyPath(company, "errors", item.id, "fix"), {
        method: "POST",
        body: { action: fix.action, params, preview: asPreview },
      });
      if (asPreview) setPreview(r);
      else onApplied(r);
    } catch (err) {
      onFailed(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const groupName = `fix-${item.id}-${fix.action}`;
  return (
    <fieldset data-testid={`fix-${fix.action}`}>
      <legend>
        {fix.label}
        {fix.safe && <span className="muted"> (safe)</span>}
      </legend>
      {choices.length > 0 && (
        <div role="radiogroup" aria-label={`Choices for ${fix.label}`}>
          {choices.map((c, i) => (
            <label key={i} className="check">
              <input
                type="radio"
                name={groupName}
                checked={
                  choice !== undefined && JSON.stringify(choice) === JSON.stringify(c.params) && custom === ""
                }
                onChange={() => {
                  setChoice(c.params);
                  setCustom("");
                  setPreview(undefined);
                }}
              />
              {c.label}
            </label>
          ))}
        </div>
      )}
      {needsValue && (
        <div className="field">
          <label htmlFor={`${groupName}-value`}>{choices.length > 0 ? "Or type another" : "New value"}</label>
          <input
            id={`${groupName}-value`}
            type="text"
            value={custom}
            onChange={(e) => {
              setCustom(e.target.value);
              setPreview(undefined);
            }}
          />
        </div>
      )}
      {preview && (
        <div className="notice info" data-testid="fix-preview">
          <strong>Preview: {preview.message}</strong>
          {preview.changes.length > 0 && (
            <ul>
              {preview.changes.map((c, i) => (
                <li key={i}>
                  {c.field}: {JSON.stringify(c.before ?? null)} → {JSON.stringify(c.after ?? null)}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="actions">
        <button type="button" onClick={() => void send(true)} disabled={busy || params === undefined}>
          Preview
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void send(false)}
          disabled={busy || params === undefined}
        >
          {busy ? "Working…" : "Apply this fix"}
        </button>
        {params === undefined && <span className="muted">Choose an option first.</span>}
      </div>
    </fieldset>
  );
}
