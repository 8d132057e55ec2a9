import { useState } from "react";
import { companyPath, query } from "../api-client.js";
import type { ErrorsPage, RecordPage, RecordSummary } from "../api-types.js";
import { LoadError, Notice, Screen } from "../components/screen.js";
import { VirtualList } from "../components/virtual-list.js";
import { useConsole } from "../console-context.js";
import { formatCount, plural } from "../format.js";
import { Link } from "../router.js";
import { usePagedList } from "../use-paged-list.js";
import { useResource } from "../use-resource.js";

/**
 * Mappings: which QuickBooks item each of the app's items goes to, and the items, accounts and tax
 * codes that still need one (mapping problems, each with its suggestions in the Errors view).
 */
export function MappingsScreen() {
  const { company, revision } = useConsole();
  const problems = useResource<ErrorsPage>(
    companyPath(company, "errors") + query({ category: "mapping", limit: 100 }),
    revision,
  );
  const items = usePagedList<RecordSummary, RecordPage>(
    companyPath(company, "records") + query({ kind: "item" }),
    200,
    revision,
  );
  const [active, setActive] = useState<number | undefined>();
  const open = problems.data?.items ?? [];
  const total = problems.data?.groups.find((g) => g.category === "mapping")?.count ?? open.length;

  return (
    <Screen
      title="Mappings"
      lead="Each item on your invoices must point at a QuickBooks item, and each item at an income account. Ledgerlink maps what it can by name or SKU and asks you about the rest."
    >
      <section className="panel" aria-labelledby="todo-title">
        <h2 id="todo-title">Needs a mapping</h2>
        {problems.error && <LoadError message={problems.error} retry={problems.reload} />}
        {problems.data && open.length === 0 && (
          <Notice tone="ok" title="Every item, account and tax code is mapped" />
        )}
        {open.length > 0 && (
          <>
            <p>{plural(total, "record")} cannot be sent until you choose what it maps to in QuickBooks.</p>
            <table data-testid="mapping-problems">
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  <th scope="col">Name</th>
                  <th scope="col">What is missing</th>
                  <th scope="col">Suggested</th>
                  <th scope="col">
                    <span className="sr-only">Fix</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {open.map((e) => (
                  <tr key={e.id}>
                    <td className="ref">{e.ref}</td>
                    <td>{e.recordName ?? "—"}</td>
                    <td>{e.message}</td>
                    <td>{e.fixes.map((f) => f.label).join("; ") || "—"}</td>
                    <td>
                      <Link
                        className="button"
                        to={`/errors?category=mapping&error=${encodeURIComponent(e.id)}`}
                      >
                        Choose…
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="items-title">
        <h2 id="items-title">Items</h2>
        {items.error && <LoadError message={items.error} retry={items.reload} />}
        {items.first && items.items.length === 0 && <p className="muted">Your app has sent no items yet.</p>}
        {items.items.length > 0 && (
          <>
            <VirtualList
              label="Items and their QuickBooks items"
              items={items.items}
              rowHeight={40}
              height={400}
              columns="10rem minmax(12rem, 2fr) minmax(10rem, 1fr) 7rem"
              rowKey={(r) => r.ref}
              hasMore={items.hasMore}
              onNearEnd={items.loadMore}
              activeIndex={active}
              onActivate={setActive}
              header={
                <>
                  <div role="columnheader">Item</div>
                  <div role="columnheader">Name in your app</div>
                  <div role="columnheader">QuickBooks item</div>
                  <div role="columnheader">Status</div>
                </>
              }
              renderRow={(r) => (
                <>
                  <div role="gridcell" className="ref">
                    {r.ref}
                  </div>
                  <div role="gridcell">{r.name ?? "—"}</div>
                  <div role="gridcell">{r.qboId ? `Id ${r.qboId}` : "not mapped yet"}</div>
                  <div role="gridcell">{r.active ? "active" : "inactive"}</div>
                </>
              )}
            />
            <p className="muted">
              Showing {formatCount(items.items.length)}
              {items.hasMore ? "; scroll for more" : ""}.
            </p>
          </>
        )}
      </section>
    </Screen>
  );
}
