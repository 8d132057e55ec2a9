import { useEffect, useState } from "react";
import { apiRequest, companyPath, errorMessage, query } from "../api-client.js";
import type {
  AuditPage,
  MergePage,
  MergeResult,
  RecordDetail,
  RecordPage,
  SearchPage,
  UndoMergeResult,
} from "../api-types.js";
import { LoadError, Notice, Screen } from "../components/screen.js";
import { useConsole } from "../console-context.js";
import { formatWhen, plural } from "../format.js";
import { Link } from "../router.js";
import { useResource } from "../use-resource.js";

const idOf = (ref: string) => ref.slice(ref.indexOf(":") + 1);

function describe(data: Record<string, unknown>, key: string): string | undefined {
  const v = data[key];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "object")
    return Object.values(v as Record<string, unknown>)
      .filter(Boolean)
      .join(", ");
  return String(v);
}

/** One customer: its details, QuickBooks link, jobs, invoices, history and merges (with undo). */
export function CustomerPage({ refText }: { refText: string }) {
  const { company, revision, notify, refreshAll } = useConsole();
  const record = useResource<RecordDetail>(companyPath(company, "records", refText), revision);
  const id = idOf(refText);
  const jobs = useResource<RecordPage>(
    companyPath(company, "records") + query({ kind: "customer", parentId: id, limit: 100 }),
    revision,
  );
  const invoices = useResource<RecordPage>(
    companyPath(company, "records") + query({ kind: "invoice", parentId: id, limit: 100 }),
    revision,
  );
  const audit = useResource<AuditPage>(
    companyPath(company, "audit") + query({ ref: refText, limit: 50 }),
    revision,
  );
  const merges = useResource<MergePage>(
    companyPath(company, "merges") + query({ customerId: id, limit: 20 }),
    revision,
  );
  const [merging, setMerging] = useState(false);

  const undo = async (mergeId: string) => {
    try {
      const r = await apiRequest<UndoMergeResult>(companyPath(company, "merges", mergeId, "undo"), {
        method: "POST",
      });
      notify(`Merge undone: ${plural(r.restored.length, "record")} restored as they were.`);
      refreshAll();
    } catch (err) {
      notify(errorMessage(err), "bad");
    }
  };

  const r = record.data;
  return (
    <Screen
      title={r ? `${r.name ?? refText}` : refText}
      lead={
        <>
          <span className="ref">{refText}</span>
          {r?.origin === "qbo" && (
            <span className="badge qbo-badge" title="Brought in from QuickBooks by a global sync">
              QB
            </span>
          )}{" "}
          · <Link to="/customers">All customers</Link>
        </>
      }
      actions={
        r &&
        !r.deletedAt && (
          <button type="button" onClick={() => setMerging(true)}>
            Merge a duplicate into this customer…
          </button>
        )
      }
    >
      {record.error && <LoadError message={record.error} retry={record.reload} />}
      {r && (
        <>
          {r.deletedAt && (
            <Notice tone="warn" title="This customer was merged or deleted in your app">
              <p>{formatWhen(r.deletedAt)}. See the merges below to undo a merge.</p>
            </Notice>
          )}
          {merging && (
            <MergePanel
              survivor={r}
              onDone={(m) => {
                setMerging(false);
                notify(`Merged C:${m.mergedId} into C:${m.survivorId}.`, "ok", {
                  label: "Undo",
                  run: () => void undo(m.mergeId),
                });
                refreshAll();
              }}
              onCancel={() => setMerging(false)}
            />
          )}
          <div className="grid-2">
            <section className="panel" aria-labelledby="details-title">
              <h2 id="details-title">Details</h2>
              <dl>
                {[
                  ["Company", describe(r.data, "companyName")],
                  ["Email", describe(r.data, "email")],
                  ["Phone", describe(r.data, "phone")],
                  ["Billing address", describe(r.data, "billingAddress")],
                  ["Job of", r.data["parentId"] ? `C:${String(r.data["parentId"])}` : undefined],
                  ["Origin", r.origin === "qbo" ? "Brought in from QuickBooks by a global sync" : undefined],
                  ["Last changed in your app", formatWhen(r.updatedAt)],
                ]
                  .filter(([, v]) => v !== undefined)
                  .map(([k, v]) => (
                    <div key={k}>
                      <dt>
                        <strong>{k}</strong>
                      </dt>
                      <dd style={{ margin: "0 0 0.5rem" }}>{v}</dd>
                    </div>
                  ))}
              </dl>
            </section>
            <section className="panel" aria-labelledby="link-title">
              <h2 id="link-title">QuickBooks</h2>
              {r.link ? (
                <p data-testid="customer-link">
                  Linked to QuickBooks customer Id {r.link.qboId}, last synced{" "}
                  {formatWhen(r.link.lastSyncedAt)}.
                </p>
              ) : (
                <p data-testid="customer-link">Not linked yet: the next sync links or creates it.</p>
              )}
              {r.hold && (
                <p>
                  {r.hold.state === "held" ? "Held" : "Removed from the queue"} by {r.hold.by}
                  {r.hold.reason ? `: ${r.hold.reason}` : ""}.{" "}
                  <Link to="/queue?state=held">Open the queue</Link>
                </p>
              )}
              {r.openErrors > 0 && (
                <p>
                  <Link to={`/errors?ref=${encodeURIComponent(r.ref)}`}>
                    {plural(r.openErrors, "open error")}
                  </Link>
                </p>
              )}
            </section>
          </div>
          <div className="grid-2">
            <section className="panel" aria-labelledby="jobs-title">
              <h2 id="jobs-title">Jobs</h2>
              {jobs.data?.items.length ? (
                <ul>
                  {jobs.data.items.map((j) => (
                    <li key={j.ref}>
                      <Link to={`/customers/${encodeURIComponent(j.ref)}`}>{j.name ?? j.ref}</Link>{" "}
                      <span className="ref muted">{j.ref}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">No jobs.</p>
              )}
            </section>
            <section className="panel" aria-labelledby="invoices-title">
              <h2 id="invoices-title">Invoices</h2>
              {invoices.data?.items.length ? (
                <ul>
                  {invoices.data.items.map((i) => (
                    <li key={i.ref}>
                      <span className="ref">{i.ref}</span> {i.name ?? ""}{" "}
                      <span className="muted">
                        {i.qboId ? `QuickBooks Id ${i.qboId}` : "not in QuickBooks yet"}
                      </span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">No invoices.</p>
              )}
            </section>
          </div>
          <section className="panel" aria-labelledby="merges-title">
            <h2 id="merges-title">Merges</h2>
            {merges.data?.items.length ? (
              <table data-testid="merges">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Kept</th>
                    <th scope="col">Merged into it</th>
                    <th scope="col">By</th>
                    <th scope="col">
                      <span className="sr-only">Undo</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {merges.data.items.map((m) => (
                    <tr key={m.mergeId}>
                      <td>{formatWhen(m.mergedAt)}</td>
                      <td className="ref">C:{m.survivorId}</td>
                      <td className="ref">C:{m.mergedId}</td>
                      <td>{m.actor}</td>
                      <td>
                        {m.undoneAt ? (
                          <span className="muted">undone {formatWhen(m.undoneAt)}</span>
                        ) : (
                          <button type="button" onClick={() => void undo(m.mergeId)}>
                            Undo merge
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">No merges.</p>
            )}
          </section>
          <section className="panel" aria-labelledby="history-title">
            <h2 id="history-title">History</h2>
            {audit.data?.items.length ? (
              <ul className="feed">
                {audit.data.items.map((a) => (
                  <li key={a.id}>
                    {formatWhen(a.at)} · <strong>{a.action}</strong> by {a.actor}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">Nothing recorded yet.</p>
            )}
          </section>
        </>
      )}
    </Screen>
  );
}

/** Merge: pick the duplicate, choose which one to keep, see what moves, confirm. */
function MergePanel({
  survivor,
  onDone,
  onCancel,
}: {
  survivor: RecordDetail;
  onDone: (m: MergeResult) => void;
  onCancel: () => void;
}) {
  const { company, notify } = useConsole();
  const [q, setQ] = useState("");
  const [hits, setHits] = useState<SearchPage["items"]>([]);
  const [other, setOther] = useState<RecordDetail | undefined>();
  const [keep, setKeep] = useState<"this" | "other">("this");
  const [moves, setMoves] = useState<{ jobs: number; invoices: number; payments: number } | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (q.trim() === "") {
      setHits([]);
      return;
    }
    const ctrl = new AbortController();
    const t = window.setTimeout(() => {
      apiRequest<SearchPage>(companyPath(company, "search") + query({ q, source: "app", limit: 20 }), {
        signal: ctrl.signal,
      }).then(
        (p) => setHits(p.items.filter((h) => h.ref?.startsWith("C:") && h.ref !== survivor.ref)),
        () => {},
      );
    }, 200);
    return () => {
      window.clearTimeout(t);
      ctrl.abort();
    };
  }, [company, q, survivor.ref]);

  const kept = keep === "this" ? survivor : other;
  const merged = keep === "this" ? other : survivor;

  // The preview: what of the merged customer moves to the one kept.
  useEffect(() => {
    if (!merged) return;
    const ctrl = new AbortController();
    const count = (kind: string) =>
      apiRequest<RecordPage>(
        companyPath(company, "records") + query({ kind, parentId: merged.id, limit: 500 }),
        { signal: ctrl.signal },
      ).then((p) => p.items.length);
    Promise.all([count("customer"), count("invoice"), count("payment")]).then(
      ([jobs, invoices, payments]) => setMoves({ jobs, invoices, payments }),
      () => {},
    );
    return () => ctrl.abort();
  }, [company, merged]);

  const confirm = async () => {
    if (!kept || !merged) return;
    setBusy(true);
    try {
      onDone(
        await apiRequest<MergeResult>(companyPath(company, "merges"), {
          method: "POST",
          body: { survivorId: kept.id, mergedId: merged.id },
        }),
      );
    } catch (err) {
      notify(errorMessage(err), "bad");
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="merge-title" data-testid="merge-panel">
      <h2 id="merge-title">Merge two customers</h2>
      <p className="lead">
        Use this when the same customer is in your app twice. One is kept; the other's jobs, invoices and
        payments move to it. You can undo a merge afterwards.
      </p>
      {!other ? (
        <>
          <div className="field">
            <label htmlFor="merge-q">Find the duplicate (name, email, phone or C:1042)</label>
            <input id="merge-q" type="search" value={q} autoFocus onChange={(e) => setQ(e.target.value)} />
          </div>
          <ul className="feed">
            {hits.map((h) => (
              <li key={h.id} className="actions">
                <span>
                  <span className="ref">{h.ref}</span> {h.name ?? ""} {h.email ? `· ${h.email}` : ""}
                </span>
                <button
                  type="button"
                  onClick={() =>
                    apiRequest<RecordDetail>(companyPath(company, "records", h.ref!)).then(
                      setOther,
                      (err: unknown) => notify(errorMessage(err), "bad"),
                    )
                  }
                >
                  Choose
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <>
          <fieldset>
            <legend>Which one do you keep?</legend>
            {(["this", "other"] as const).map((side) => {
              const rec = side === "this" ? survivor : other;
              return (
                <label key={side} className="check">
                  <input type="radio" name="keep" checked={keep === side} onChange={() => setKeep(side)} />
                  Keep <span className="ref">{rec.ref}</span> “{rec.name ?? ""}”
                  {rec.link ? ` (linked to QuickBooks Id ${rec.link.qboId})` : " (not linked to QuickBooks)"}
                </label>
              );
            })}
          </fieldset>
          {merged && kept && (
            <Notice tone="warn" title="What happens" testId="merge-preview">
              <ul>
                <li>
                  <span className="ref">{merged.ref}</span> “{merged.name}” is merged into{" "}
                  <span className="ref">{kept.ref}</span> “{kept.name}” and no longer synced on its own.
                </li>
                {moves && (
                  <li>
                    Moves to {kept.ref}: {plural(moves.jobs, "job")}, {plural(moves.invoices, "invoice")},{" "}
                    {plural(moves.payments, "payment")}.
                  </li>
                )}
                {merged.link && (
                  <li>
                    QuickBooks customer Id {merged.link.qboId} is left without a link; Ledgerlink lists it as
                    a duplicate to make inactive in QuickBooks.
                  </li>
                )}
              </ul>
            </Notice>
          )}
          <div className="actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void confirm()}>
              {busy ? "Merging…" : "Merge them"}
            </button>
            <button type="button" onClick={() => setOther(undefined)}>
              Choose another
            </button>
          </div>
        </>
      )}
      <p>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </p>
    </section>
  );
}
