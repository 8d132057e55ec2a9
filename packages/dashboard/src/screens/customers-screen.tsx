import { useEffect, useState } from "react";
import { companyPath, query } from "../api-client.js";
import type { RecordPage, RecordSummary, SearchPage } from "../api-types.js";
import { LoadError, Notice, Screen } from "../components/screen.js";
import { VirtualList } from "../components/virtual-list.js";
import { useConsole } from "../console-context.js";
import { formatCount } from "../format.js";
import { Link, navigate, setQuery, useLocation } from "../router.js";
import { usePagedList } from "../use-paged-list.js";
import { useResource } from "../use-resource.js";

/** Customers: smart search (C:1042, names, emails, phones, QuickBooks Ids) or the whole list, paged. */
export function CustomersScreen() {
  const { company, revision } = useConsole();
  const { params } = useLocation();
  const q = params.get("q") ?? "";
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  // Typing searches after a short pause; the URL keeps the search so Back returns to it.
  useEffect(() => {
    if (text === q) return;
    const t = window.setTimeout(() => setQuery({ q: text.trim() || undefined }), 250);
    return () => window.clearTimeout(t);
  }, [text, q]);

  const search = useResource<SearchPage>(
    q ? companyPath(company, "search") + query({ q, source: "all", limit: 50 }) : null,
    revision,
  );
  const all = usePagedList<RecordSummary, RecordPage>(
    q ? null : companyPath(company, "records") + query({ kind: "customer" }),
    200,
    revision,
  );
  const [active, setActive] = useState<number | undefined>();

  return (
    <Screen
      title="Customers"
      lead="Find a customer by its reference (C:1042), name, email, phone or QuickBooks Id, see its link and history, and merge duplicates."
    >
      <form
        role="search"
        className="field"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: text.trim() || undefined });
        }}
      >
        <label htmlFor="customer-search">Search</label>
        <input
          id="customer-search"
          type="search"
          placeholder="C:1042, a name, an email or a phone number"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </form>

      {q ? (
        <>
          {search.error && <LoadError message={search.error} retry={search.reload} />}
          {search.data && search.data.items.length === 0 && (
            <Notice tone="info" title={`Nothing found for “${q}”`}>
              <p>Try part of the name, an email address, or a reference such as C:1042.</p>
            </Notice>
          )}
          {search.data && search.data.items.length > 0 && (
            <table data-testid="search-results">
              <thead>
                <tr>
                  <th scope="col">Where</th>
                  <th scope="col">Record</th>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Phone</th>
                  <th scope="col">QuickBooks</th>
                </tr>
              </thead>
              <tbody>
                {search.data.items.map((h) => (
                  <tr key={`${h.source}-${h.id}`}>
                    <td>{h.source === "app" ? "Your app" : "QuickBooks"}</td>
                    <td className="ref">
                      {h.ref ? (
                        <Link to={`/customers/${encodeURIComponent(h.ref)}`}>{h.ref}</Link>
                      ) : (
                        "not linked"
                      )}
                    </td>
                    <td>
                      {h.name ?? "—"}
                      {!h.active && <span className="muted"> (inactive)</span>}
                    </td>
                    <td>{h.email ?? "—"}</td>
                    <td>{h.phone ?? "—"}</td>
                    <td>{h.qboId ? `Id ${h.qboId}` : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : (
        <>
          {all.error && <LoadError message={all.error} retry={all.reload} />}
          {all.first && all.items.length === 0 && (
            <Notice tone="info" title="No customers yet">
              <p>Customers appear here once your app sends them to Ledgerlink.</p>
            </Notice>
          )}
          {all.items.length > 0 && (
            <VirtualList
              label="Customers"
              items={all.items}
              rowHeight={40}
              height={Math.max(240, Math.min(600, window.innerHeight - 280))}
              columns="9rem minmax(12rem, 3fr) 9rem 8rem 8rem"
              rowKey={(r) => r.ref}
              hasMore={all.hasMore}
              onNearEnd={all.loadMore}
              activeIndex={active}
              onActivate={setActive}
              header={
                <>
                  <div role="columnheader">Record</div>
                  <div role="columnheader">Name</div>
                  <div role="columnheader">Job of</div>
                  <div role="columnheader">QuickBooks</div>
                  <div role="columnheader">Status</div>
                </>
              }
              renderRow={(r) => (
                <>
                  <div role="gridcell" className="ref">
                    <Link to={`/customers/${encodeURIComponent(r.ref)}`}>{r.ref}</Link>
                  </div>
                  <div role="gridcell" title={r.name ?? undefined}>
                    <a
                      href={`/customers/${encodeURIComponent(r.ref)}`}
                      tabIndex={-1}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/customers/${encodeURIComponent(r.ref)}`);
                      }}
                    >
                      {r.name ?? "—"}
                    </a>
                    {r.origin === "qbo" && (
                      <span className="badge qbo-badge" title="Brought in from QuickBooks by a global sync">
                        QB
                      </span>
                    )}
                  </div>
                  <div role="gridcell">{r.parentId ? `C:${r.parentId}` : "—"}</div>
                  <div role="gridcell">{r.qboId ? `Id ${r.qboId}` : "not linked"}</div>
                  <div role="gridcell">{r.deletedAt ? "deleted" : r.active ? "active" : "inactive"}</div>
                </>
              )}
            />
          )}
          {all.items.length > 0 && (
            <p className="muted">
              Showing {formatCount(all.items.length)}
              {all.hasMore ? "; scroll for more" : ""}.
            </p>
          )}
        </>
      )}
    </Screen>
  );
}
