import { useState } from "react";
import { apiRequest, companyPath, errorMessage, query } from "../api-client.js";
import type { RunPage } from "../api-types.js";
import { LoadError, Notice, Screen } from "../components/screen.js";
import { useConsole } from "../console-context.js";
import { formatWhen } from "../format.js";
import { Link } from "../router.js";
import { useResource } from "../use-resource.js";

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Reports: each sync's report and a period's, as a printable page (HTML) or a spreadsheet (CSV). */
export function ReportsScreen() {
  const { company, revision, notify } = useConsole();
  const runs = useResource<RunPage>(companyPath(company, "runs") + query({ limit: 20 }), revision);
  const today = new Date();
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 6 * 86_400_000)));
  const [to, setTo] = useState(isoDay(today));
  const [sending, setSending] = useState<string | undefined>();
  const base = companyPath(company, "reports");
  const period = query({ from, to });

  const email = async (runId: string) => {
    setSending(runId);
    try {
      await apiRequest(`${base}/runs/${encodeURIComponent(runId)}/email`, { method: "POST" });
      notify("Report emailed to the recipients in Connection settings.");
    } catch (err) {
      notify(errorMessage(err), "bad");
    } finally {
      setSending(undefined);
    }
  };

  const finished = runs.data?.items.filter((r) => r.status !== "running") ?? [];
  return (
    <Screen
      title="Reports"
      lead="After each sync: what was matched, created and updated, what is still unmatched, the duplicates found and the errors. Open it to print, or download it for a spreadsheet."
    >
      <section className="panel" aria-labelledby="latest-title">
        <h2 id="latest-title">Sync reports</h2>
        {runs.error && <LoadError message={runs.error} retry={runs.reload} />}
        {runs.data && finished.length === 0 && (
          <Notice tone="info" title="No reports yet">
            <p>
              A report is made after every sync. <Link to="/">Run one from the Overview</Link>.
            </p>
          </Notice>
        )}
        {finished.length > 0 && (
          <table data-testid="run-reports">
            <thead>
              <tr>
                <th scope="col">Sync</th>
                <th scope="col">Result</th>
                <th scope="col">Report</th>
              </tr>
            </thead>
            <tbody>
              {finished.map((r) => {
                const path = `${base}/runs/${encodeURIComponent(r.id)}`;
                return (
                  <tr key={r.id}>
                    <td>{formatWhen(r.startedAt)}</td>
                    <td>
                      {r.status}: {r.counts.created} created, {r.counts.updated} updated, {r.counts.linked}{" "}
                      linked, {r.counts.failed + r.counts.blocked} need attention
                    </td>
                    <td className="actions">
                      <a className="button" href={`${path}.html`} target="_blank" rel="noopener">
                        Open (HTML)
                      </a>
                      <a className="button" href={`${path}.csv`} download>
                        Download CSV
                      </a>
                      <button type="button" onClick={() => void email(r.id)} disabled={sending !== undefined}>
                        {sending === r.id ? "Sending…" : "Email it"}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="period-title">
        <h2 id="period-title">Report for a period</h2>
        <div className="actions">
          <div className="field">
            <label htmlFor="period-from">From</label>
            <input
              id="period-from"
              type="date"
              value={from}
              max={to}
              onChange={(e) => setFrom(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="period-to">To (included)</label>
            <input id="period-to" type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
          </div>
        </div>
        <div className="actions">
          <a className="button primary" href={`${base}.html${period}`} target="_blank" rel="noopener">
            Open the report (HTML)
          </a>
          <a className="button" href={`${base}.csv${period}`} download data-testid="period-csv">
            Download CSV
          </a>
        </div>
      </section>

      <section className="panel" aria-labelledby="unmatched-title">
        <h2 id="unmatched-title">Customers not in QuickBooks yet</h2>
        <p>
          A spreadsheet of your app's customers that are not linked to a QuickBooks customer, in the layout
          QuickBooks' own customer import accepts (in QuickBooks: Sales, Customers, New customer, Import
          customers).
        </p>
        <a
          className="button"
          href={companyPath(company, "exports", "unmatched-customers.csv")}
          download
          data-testid="unmatched-export"
        >
          Download unmatched customers (CSV)
        </a>
      </section>
    </Screen>
  );
}
