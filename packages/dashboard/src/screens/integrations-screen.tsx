import { useState } from "react";
import type { OutboundEventType } from "@ledgerlink/core";
import { apiRequest, companyPath, errorMessage, query } from "../api-client.js";
import { LoadError, Notice, Screen } from "../components/screen.js";
import { useConsole } from "../console-context.js";
import { formatWhen } from "../format.js";
import { useResource } from "../use-resource.js";

/** Every event type (the record makes the compiler insist on each one the contract has). */
const eventTypeSet: Record<OutboundEventType, true> = {
  "record.synced": true,
  "record.blocked": true,
  "record.needs_review": true,
  "customer.merged": true,
  "invoice.paid": true,
  "run.completed": true,
  "connection.needs_reconnect": true,
  "record.created_from_qbo": true,
};
const outboundEventTypes = Object.keys(eventTypeSet);

interface Endpoint {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  /** Why Ledgerlink turned it off (the receiver answered 410 Gone). */
  disabledReason: string | null;
  secretHint: string;
}
interface Delivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  subject: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
}
interface GlobalSyncPlan {
  counts: { create: number; linked: number; matched: number; review: number; skipped: number };
  creates: { kind: string; qboId: string; name: string; parentId: string | null }[];
  created?: number;
  reviewsOpened?: number;
}

/**
 * Integrations: the business app's webhook endpoints (add, choose events, disable, rotate the secret,
 * delete), recent deliveries with redelivery, and the global sync (QBO-only records into the app).
 */
export function IntegrationsScreen() {
  const { company, revision, notify } = useConsole();
  const [tick, setTick] = useState(0);
  const endpoints = useResource<{ items: Endpoint[] }>(
    companyPath(company, "webhook-endpoints"),
    `${revision}:${tick}`,
  );
  const deliveries = useResource<{ items: Delivery[] }>(
    companyPath(company, "webhook-deliveries") + query({ limit: 50 }),
    `${revision}:${tick}`,
  );
  const [url, setUrl] = useState("");
  const [types, setTypes] = useState<string[]>([]);
  const [secret, setSecret] = useState<string | undefined>();
  const [scope, setScope] = useState<"active" | "all">("active");
  const [plan, setPlan] = useState<GlobalSyncPlan | undefined>();
  const refresh = () => setTick((t) => t + 1);

  const act = async (what: () => Promise<void>) => {
    try {
      await what();
      refresh();
    } catch (err) {
      notify(errorMessage(err), "bad");
    }
  };
  const base = companyPath(company, "webhook-endpoints");

  return (
    <Screen
      title="Integrations"
      lead="Tell your business app what happened — synced, blocked, paid, merged — by signed webhooks, and bring customers that exist only in QuickBooks into the app."
    >
      <section className="panel" aria-labelledby="endpoints-title">
        <h2 id="endpoints-title">Webhook endpoints</h2>
        {secret && (
          <Notice tone="info" title="Signing secret — shown once">
            <p>
              Copy it now into your app's settings: <code data-testid="new-secret">{secret}</code>
            </p>
          </Notice>
        )}
        {endpoints.error && <LoadError message={endpoints.error} retry={endpoints.reload} />}
        {endpoints.data && (
          <table data-testid="webhook-endpoints">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Secret</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.data.items.map((e) => (
                <tr key={e.id}>
                  <td>{e.url}</td>
                  <td>{e.eventTypes.length === 0 ? "all" : e.eventTypes.join(", ")}</td>
                  <td>…{e.secretHint}</td>
                  <td>
                    {e.enabled ? "enabled" : "disabled"}
                    {e.disabledReason && (
                      <div className="muted" data-testid="endpoint-disabled-reason">
                        {e.disabledReason}
                      </div>
                    )}
                  </td>
                  <td>
                    <button
                      type="button"
                      onClick={() =>
                        void act(async () => {
                          await apiRequest(`${base}/${e.id}`, {
                            method: "PUT",
                            body: { enabled: !e.enabled },
                          });
                        })
                      }
                    >
                      {e.enabled ? "Disable" : "Enable"}
                    </button>{" "}
                    <button
                      type="button"
                      onClick={() =>
                        void act(async () => {
                          const r = await apiRequest<{ secret: string }>(`${base}/${e.id}/rotate-secret`, {
                            method: "POST",
                          });
                          setSecret(r.secret);
                        })
                      }
                    >
                      Rotate secret
                    </button>{" "}
                    <button
                      type="button"
                      onClick={() =>
                        void act(async () => {
                          await apiRequest(`${base}/${e.id}`, { method: "DELETE" });
                        })
                      }
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form
          onSubmit={(ev) => {
            ev.preventDefault();
            void act(async () => {
              const r = await apiRequest<{ secret: string }>(base, {
                method: "POST",
                body: { url, eventTypes: types },
              });
              setSecret(r.secret);
              setUrl("");
            });
          }}
        >
          <label>
            Endpoint URL <input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
          </label>
          <fieldset>
            <legend>Events (none ticked: all)</legend>
            {outboundEventTypes.map((t) => (
              <label key={t}>
                <input
                  type="checkbox"
                  checked={types.includes(t)}
                  onChange={(e) => setTypes(e.target.checked ? [...types, t] : types.filter((x) => x !== t))}
                />{" "}
                {t}
              </label>
            ))}
          </fieldset>
          <button type="submit">Add endpoint</button>
        </form>
      </section>

      <section className="panel" aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">Recent deliveries</h2>
        {deliveries.error && <LoadError message={deliveries.error} retry={deliveries.reload} />}
        {deliveries.data && (
          <table data-testid="webhook-deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Record</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">When</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {deliveries.data.items.map((d) => (
                <tr key={d.id}>
                  <td>{d.eventType}</td>
                  <td>{d.subject}</td>
                  <td>{d.state}</td>
                  <td>{d.attempts}</td>
                  <td>{d.lastStatusCode ?? d.lastError ?? "—"}</td>
                  <td>{formatWhen(d.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() =>
                        void act(async () => {
                          await apiRequest(
                            `${companyPath(company, "webhook-deliveries")}/${d.id}/redeliver`,
                            {
                              method: "POST",
                            },
                          );
                          notify("Sent again with the same event id.");
                        })
                      }
                    >
                      Redeliver
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="global-sync-title">
        <h2 id="global-sync-title">Global sync: QuickBooks customers into the app</h2>
        <p className="muted">
          Customers and items that exist only in QuickBooks are added to the app, marked with a QuickBooks
          badge and linked. Look-alikes of the app's customers go to Match review instead.
        </p>
        <label>
          <input
            type="checkbox"
            checked={scope === "all"}
            onChange={(e) => setScope(e.target.checked ? "all" : "active")}
          />{" "}
          Include inactive ones
        </label>{" "}
        <button
          type="button"
          onClick={() =>
            void act(async () => {
              setPlan(
                await apiRequest<GlobalSyncPlan>(companyPath(company, "global-sync", "plan"), {
                  method: "POST",
                  body: { scope },
                }),
              );
            })
          }
        >
          Preview
        </button>{" "}
        <button
          type="button"
          disabled={plan === undefined || plan.counts.create === 0}
          onClick={() =>
            void act(async () => {
              const r = await apiRequest<GlobalSyncPlan>(companyPath(company, "global-sync"), {
                method: "POST",
                body: { scope },
              });
              setPlan(r);
              notify(
                `${r.created ?? 0} record(s) brought in from QuickBooks; ${r.reviewsOpened ?? 0} to review.`,
              );
            })
          }
        >
          Bring them in
        </button>
        {plan && (
          <p data-testid="global-sync-counts">
            {plan.counts.create} to create, {plan.counts.matched} matched, {plan.counts.review} to review,{" "}
            {plan.counts.linked} already linked, {plan.counts.skipped} left out.
          </p>
        )}
        {plan && plan.creates.length > 0 && (
          <ul>
            {plan.creates.slice(0, 50).map((c) => (
              <li key={`${c.kind}:${c.qboId}`}>
                {c.name}{" "}
                <span className="muted">
                  ({c.kind}, QBO {c.qboId})
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Screen>
  );
}
