import { useEffect, useState } from "react";
import { apiRequest, companyPath, errorMessage, query } from "../api-client.js";
import type { ReviewItem, ReviewPage, SearchPage } from "../api-types.js";
import { LoadError, Notice, Screen } from "../components/screen.js";
import { useConsole } from "../console-context.js";
import { formatCount } from "../format.js";
import { Link } from "../router.js";
import { usePagedList } from "../use-paged-list.js";

const fields = [
  ["name", "Name"],
  ["email", "Email"],
  ["phone", "Phone"],
  ["address", "Address"],
] as const;

const norm = (v: string | null | undefined) => (v ?? "").trim().toLowerCase().replace(/\s+/g, " ");

/**
 * Match review: the app's customer and the QuickBooks customer the sync thinks it may be, side by side.
 * Keyboard: A same customer, R different, N create new, P pick another, J/K next and previous.
 */
export function ReviewScreen() {
  const { company, revision, notify, refreshAll } = useConsole();
  const list = usePagedList<ReviewItem, ReviewPage>(companyPath(company, "review"), 100, revision);
  const open = list.items.filter((i) => i.status === "open");
  const [index, setIndex] = useState(0);
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(false);
  const current = open[Math.min(index, open.length - 1)];

  useEffect(() => {
    if (list.hasMore && index >= open.length - 5) list.loadMore();
  }, [index, open.length, list]);

  const decide = async (label: string, path: string[], body?: unknown) => {
    if (!current || busy) return;
    setBusy(true);
    try {
      await apiRequest(companyPath(company, "review", ...path), {
        method: "POST",
        ...(body ? { body } : {}),
      });
      list.remove((i) => i.id !== current.id);
      notify(label);
      refreshAll();
    } catch (err) {
      notify(errorMessage(err), "bad");
    } finally {
      setBusy(false);
    }
  };
  const accept = () =>
    current &&
    decide(`${current.ref} linked to QuickBooks customer ${current.qboId}.`, [current.id, "accept"]);
  const reject = () =>
    current && decide(`${current.ref} and QuickBooks ${current.qboId} kept apart.`, [current.id, "reject"]);
  const createNew = () =>
    current &&
    decide(`${current.ref} will be created in QuickBooks at the next sync.`, ["create-new"], {
      localId: current.localId,
    });
  const linkTo = (qboId: string) =>
    current &&
    decide(`${current.ref} linked to QuickBooks customer ${qboId}.`, ["link"], {
      localId: current.localId,
      qboId,
    }).then(() => setPicking(false));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.ctrlKey || e.metaKey || e.altKey || t.closest("input, textarea, select")) return;
      const k = e.key.toLowerCase();
      if (k === "a") void accept();
      else if (k === "r") void reject();
      else if (k === "n") void createNew();
      else if (k === "p") setPicking(true);
      else if (k === "j") setIndex((i) => Math.min(open.length - 1, i + 1));
      else if (k === "k") setIndex((i) => Math.max(0, i - 1));
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  return (
    <Screen
      title="Match review"
      lead="Ledgerlink found QuickBooks customers that may be the same as customers in your app. Decide for each pair; nothing is linked until you do."
    >
      {list.error && <LoadError message={list.error} retry={list.reload} />}
      {list.first && open.length === 0 && (
        <Notice tone="ok" title="Nothing to review" testId="review-empty">
          <p>
            Every match was clear. <Link to="/">Back to the Overview</Link>
          </p>
        </Notice>
      )}
      {current && (
        <section className="panel" aria-labelledby="pair-title" data-testid="review-pair">
          <div className="screen-head">
            <h2 id="pair-title">
              Pair {formatCount(Math.min(index, open.length - 1) + 1)} of {formatCount(open.length)}
              {list.hasMore ? "+" : ""}: are these the same customer?
            </h2>
            <span className="status run">Match score {Math.round(current.score * 100)}%</span>
          </div>
          <div className="compare" role="table" aria-label="The two customers side by side">
            <div className="head" role="columnheader">
              Field
            </div>
            <div className="head" role="columnheader">
              In your app <span className="ref">{current.ref}</span>
            </div>
            <div className="head" role="columnheader">
              In QuickBooks (Id {current.qboId}){current.qbo && !current.qbo.active ? ", inactive" : ""}
            </div>
            {fields.map(([key, label]) => {
              const a = current.local?.[key] ?? null;
              const b = current.qbo?.[key] ?? null;
              const differs = norm(a) !== norm(b);
              const cls = differs ? "diff" : undefined;
              return (
                <div key={key} role="row" style={{ display: "contents" }}>
                  <div className="name" role="rowheader">
                    {label}
                  </div>
                  <div className={cls} role="cell">
                    {a ?? <span className="muted">—</span>}
                    {differs && <span className="sr-only"> (differs)</span>}
                  </div>
                  <div className={cls} role="cell">
                    {b ?? <span className="muted">—</span>}
                  </div>
                </div>
              );
            })}
          </div>
          <p>
            <strong>Why they may match:</strong> {current.reasons.join("; ") || "similar names"}. Differences
            are highlighted.
          </p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => void accept()} disabled={busy}>
              Same customer: link them <kbd>A</kbd>
            </button>
            <button type="button" onClick={() => void reject()} disabled={busy}>
              Different customers <kbd>R</kbd>
            </button>
            <button type="button" onClick={() => setPicking(true)} disabled={busy}>
              Pick another QuickBooks customer <kbd>P</kbd>
            </button>
            <button type="button" onClick={() => void createNew()} disabled={busy}>
              Create as new in QuickBooks <kbd>N</kbd>
            </button>
          </div>
          <p className="muted">
            <kbd>J</kbd> next pair, <kbd>K</kbd> previous pair.
          </p>
          {picking && (
            <PickQboCustomer
              initial={current.local?.name ?? ""}
              onPick={(id) => void linkTo(id)}
              onCancel={() => setPicking(false)}
            />
          )}
        </section>
      )}
    </Screen>
  );
}

function PickQboCustomer({
  initial,
  onPick,
  onCancel,
}: {
  initial: string;
  onPick: (qboId: string) => void;
  onCancel: () => void;
}) {
  const { company } = useConsole();
  const [q, setQ] = useState(initial);
  const [hits, setHits] = useState<SearchPage["items"]>([]);
  useEffect(() => {
    if (q.trim() === "") return;
    const ctrl = new AbortController();
    const t = window.setTimeout(() => {
      apiRequest<SearchPage>(companyPath(company, "search") + query({ q, source: "qbo", limit: 20 }), {
        signal: ctrl.signal,
      }).then(
        (p) => setHits(p.items.filter((h) => h.kind === "Customer")),
        () => {},
      );
    }, 200);
    return () => {
      window.clearTimeout(t);
      ctrl.abort();
    };
  }, [company, q]);
  return (
    <div className="panel" data-testid="pick-qbo">
      <div className="field">
        <label htmlFor="pick-q">Find the QuickBooks customer (name, email, phone or Id)</label>
        <input id="pick-q" type="search" value={q} autoFocus onChange={(e) => setQ(e.target.value)} />
      </div>
      <ul className="feed">
        {hits.map((h) => (
          <li key={h.id} className="actions">
            <span>
              {h.name ?? "(no name)"} · Id {h.id}
              {h.email ? ` · ${h.email}` : ""}
              {h.ref ? ` · already linked to ${h.ref}` : ""}
              {h.active ? "" : " · inactive"}
            </span>
            <button type="button" onClick={() => onPick(h.id)} disabled={h.ref !== null}>
              Link to this one
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
