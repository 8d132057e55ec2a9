import { useEffect, useState, type FormEvent } from "react";
import type { MatchPolicy, ValidationPolicy } from "@ledgerlink/core";
import { apiRequest, companyPath, errorMessage } from "../api-client.js";
import { useConsole } from "../console-context.js";
import { LoadError, Notice, Screen } from "../components/screen.js";
import { ConnectionBadge } from "../components/status-badge.js";
import type { ConnectionResponse } from "../status-types.js";
import { useResource } from "../use-resource.js";

type AutoRepair = ValidationPolicy["autoRepair"];

/** What Submit saves in the connection's settings (the server stores them as given). */
export interface ConsoleSettings {
  schedule: {
    mode: "manual" | "every" | "daily";
    everyMinutes?: number;
    dailyAt?: string;
    timeZone?: string;
  };
  matching: MatchPolicy;
  autoRepair: AutoRepair;
}

const repairLabels: Record<keyof AutoRepair, string> = {
  trimSpaces: "Remove extra spaces from names",
  replaceCharacters: "Replace characters QuickBooks refuses (for example a colon in a name)",
  shortenDocNumbers: "Shorten invoice numbers longer than QuickBooks allows (21 characters)",
  reactivateInactive:
    "Make an inactive QuickBooks customer, item or account active again when a new record needs it",
  mapItems: "Link an item to the one QuickBooks item with the same SKU or name",
  mapAccounts: "Use the QuickBooks account whose name matches an item's income account",
  letQboNumber: "Let QuickBooks number invoices when custom numbers are turned off there",
  fixRounding: "Fix line amounts that are a cent off quantity × price",
};

const defaults: ConsoleSettings = {
  schedule: { mode: "daily", dailyAt: "02:00" },
  matching: { linkAt: 0.97, reviewAt: 0.5 },
  autoRepair: {
    trimSpaces: true,
    replaceCharacters: true,
    shortenDocNumbers: true,
    reactivateInactive: false,
    mapItems: true,
    mapAccounts: true,
    letQboNumber: true,
    fixRounding: true,
  },
};

function settingsFrom(raw: Record<string, unknown>): ConsoleSettings {
  const s = raw as Partial<ConsoleSettings>;
  return {
    schedule: { ...defaults.schedule, ...(s.schedule ?? {}) },
    matching: { ...defaults.matching, ...(s.matching ?? {}) },
    autoRepair: { ...defaults.autoRepair, ...(s.autoRepair ?? {}) },
  };
}

interface RecipientsResponse {
  recipients: string[];
  source: "company" | "default";
  default: string[];
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Next step for each connection state, in words for the office. */
function guidance(c: ConnectionResponse): {
  tone: "ok" | "bad" | "warn" | "info";
  title: string;
  text: string;
} {
  switch (c.state) {
    case "connected":
      return {
        tone: c.reason ? "warn" : "ok",
        title: c.reason ? "Connected, but reconnect soon" : "Connected to QuickBooks",
        text: c.reason
          ? `${c.reason}. Press Reconnect and sign in to QuickBooks again; nothing is lost meanwhile.`
          : `Ledgerlink can read and write this QuickBooks company${c.realmId ? ` (company id ${c.realmId})` : ""}. Go to the Overview to run a sync.`,
      };
    case "needs-reconnect":
      return {
        tone: "bad",
        title: "QuickBooks needs you to sign in again",
        text: `${c.reason ?? "QuickBooks no longer accepts Ledgerlink's sign-in"}. Press Reconnect, sign in to QuickBooks and choose the same company. Records waiting to sync stay queued and go out after you reconnect.`,
      };
    case "disabled":
      return {
        tone: "warn",
        title: "The sync is turned off",
        text: "Nothing is sent to QuickBooks while it is off. Turn on “Sync with QuickBooks” below and press Save settings.",
      };
    default:
      return {
        tone: "info",
        title: "Not connected to QuickBooks yet",
        text: "Press Connect to QuickBooks. You sign in at Intuit, pick your company and come straight back here.",
      };
  }
}

export function ConnectionScreen() {
  const { company, notify, refreshAll, revision } = useConsole();
  const conn = useResource<ConnectionResponse>(companyPath(company, "connection"), revision);
  // Report recipients live with the reports (GET/POST …/reports/recipients), not in these settings.
  const mail = useResource<RecipientsResponse>(companyPath(company, "reports", "recipients"), revision);
  const [enabled, setEnabled] = useState(true);
  const [settings, setSettings] = useState<ConsoleSettings>(defaults);
  const [recipients, setRecipients] = useState("");
  const [problem, setProblem] = useState<{ field: string; message: string } | undefined>();
  const [busy, setBusy] = useState<"save" | "connect" | "disconnect" | undefined>();
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);

  useEffect(() => {
    if (!conn.data) return;
    setEnabled(conn.data.enabled);
    const s = settingsFrom(conn.data.settings);
    setSettings(s);
  }, [conn.data]);
  useEffect(() => {
    if (mail.data) setRecipients(mail.data.source === "company" ? mail.data.recipients.join(", ") : "");
  }, [mail.data]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    const list = recipients
      .split(/[,;\s]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    const badEmail = list.find((r) => !emailPattern.test(r));
    if (badEmail) {
      setProblem({ field: "recipients", message: `“${badEmail}” is not an email address.` });
      return;
    }
    if (settings.matching.reviewAt > settings.matching.linkAt) {
      setProblem({
        field: "reviewAt",
        message: "The review score must not be higher than the automatic link score.",
      });
      return;
    }
    setBusy("save");
    try {
      await apiRequest(companyPath(company, "connection"), {
        method: "PUT",
        body: { enabled, settings },
      });
      await apiRequest(companyPath(company, "reports", "recipients"), {
        method: "POST",
        body: { recipients: list },
      });
      notify("Settings saved.");
      conn.reload();
      refreshAll();
    } catch (err) {
      setProblem({ field: "form", message: errorMessage(err) });
    } finally {
      setBusy(undefined);
    }
  };

  const connect = async () => {
    setBusy("connect");
    try {
      const { authorizeUrl } = await apiRequest<{ authorizeUrl: string }>(
        companyPath(company, "connection", "connect"),
        { method: "POST" },
      );
      // Off to Intuit's sign-in; it sends the browser back to the console when done.
      window.location.assign(authorizeUrl);
    } catch (err) {
      notify(errorMessage(err), "bad");
      setBusy(undefined);
    }
  };

  const disconnect = async () => {
    setBusy("disconnect");
    try {
      const r = await apiRequest<{ revoked: boolean }>(companyPath(company, "connection", "disconnect"), {
        method: "POST",
      });
      notify(
        r.revoked
          ? "Disconnected. QuickBooks no longer accepts Ledgerlink's sign-in."
          : "Disconnected here. QuickBooks did not confirm; you can also remove Ledgerlink under Apps in QuickBooks.",
      );
      setConfirmDisconnect(false);
      conn.reload();
      refreshAll();
    } catch (err) {
      notify(errorMessage(err), "bad");
    } finally {
      setBusy(undefined);
    }
  };

  const c = conn.data;
  const g = c ? guidance(c) : undefined;
  const connectLabel = c && c.state !== "disconnected" ? "Reconnect to QuickBooks" : "Connect to QuickBooks";

  return (
    <Screen
      title="Connection settings"
      lead="Connect Ledgerlink to your QuickBooks company and choose when and how it syncs."
    >
      {conn.error && <LoadError message={conn.error} retry={conn.reload} />}
      {c && g && (
        <section className="panel" aria-labelledby="conn-status">
          <h2 id="conn-status">
            QuickBooks <ConnectionBadge state={c.state} />
          </h2>
          <Notice tone={g.tone} title={g.title} testId="connection-guidance">
            <p>{g.text}</p>
          </Notice>
          <div className="actions">
            {(c.state !== "connected" || c.reason) && (
              <button type="button" className="primary" onClick={connect} disabled={busy !== undefined}>
                {busy === "connect" ? "Opening QuickBooks…" : connectLabel}
              </button>
            )}
            {(c.state === "connected" || c.state === "needs-reconnect") &&
              (confirmDisconnect ? (
                <span className="actions" role="group" aria-label="Confirm disconnect">
                  <span>Stop syncing and sign Ledgerlink out of QuickBooks?</span>
                  <button type="button" className="danger" onClick={disconnect} disabled={busy !== undefined}>
                    Yes, disconnect
                  </button>
                  <button type="button" onClick={() => setConfirmDisconnect(false)}>
                    Keep connected
                  </button>
                </span>
              ) : (
                <button type="button" className="danger" onClick={() => setConfirmDisconnect(true)}>
                  Disconnect
                </button>
              ))}
          </div>
          <p className="muted">
            QuickBooks environment: {c.environment}
            {c.realmId ? ` · company id ${c.realmId}` : ""}
          </p>
        </section>
      )}

      {c && (
        <form className="panel" onSubmit={submit} aria-labelledby="settings-title" noValidate>
          <h2 id="settings-title">Settings</h2>
          <div className="field">
            <label className="switch">
              <input
                type="checkbox"
                role="switch"
                checked={enabled}
                onChange={(e) => setEnabled(e.target.checked)}
                aria-describedby="enable-hint"
              />
              Sync with QuickBooks
            </label>
            <span className="hint" id="enable-hint">
              When off, nothing is sent to QuickBooks; changes wait in the queue until you turn it back on.
            </span>
          </div>

          <fieldset>
            <legend>When to sync</legend>
            <div className="field">
              <label htmlFor="schedule-mode">Schedule</label>
              <select
                id="schedule-mode"
                value={settings.schedule.mode}
                onChange={(e) =>
                  setSettings({
                    ...settings,
                    schedule: {
                      ...settings.schedule,
                      mode: e.target.value as ConsoleSettings["schedule"]["mode"],
                    },
                  })
                }
              >
                <option value="daily">Once a day</option>
                <option value="every">Every few minutes</option>
                <option value="manual">Only when I press Sync now</option>
              </select>
            </div>
            {settings.schedule.mode === "daily" && (
              <div className="field">
                <label htmlFor="daily-at">Time of day</label>
                <input
                  id="daily-at"
                  type="time"
                  value={settings.schedule.dailyAt ?? "02:00"}
                  onChange={(e) =>
                    setSettings({ ...settings, schedule: { ...settings.schedule, dailyAt: e.target.value } })
                  }
                />
              </div>
            )}
            {settings.schedule.mode === "every" && (
              <div className="field">
                <label htmlFor="every-minutes">Minutes between syncs</label>
                <input
                  id="every-minutes"
                  type="number"
                  min={5}
                  max={1440}
                  value={settings.schedule.everyMinutes ?? 60}
                  onChange={(e) =>
                    setSettings({
                      ...settings,
                      schedule: { ...settings.schedule, everyMinutes: Number(e.target.value) },
                    })
                  }
                />
              </div>
            )}
          </fieldset>

          <fieldset>
            <legend>Matching customers</legend>
            <div className="field">
              <label htmlFor="link-at">
                Link automatically when the match score is at least <span className="hint">(percent)</span>
              </label>
              <input
                id="link-at"
                type="number"
                min={50}
                max={100}
                value={Math.round(settings.matching.linkAt * 100)}
                onChange={(e) =>
                  setSettings({
                    ...settings,
                    matching: { ...settings.matching, linkAt: Number(e.target.value) / 100 },
                  })
                }
              />
            </div>
            <div className="field">
              <label htmlFor="review-at">
                Ask me to review matches scoring at least <span className="hint">(percent)</span>
              </label>
              <input
                id="review-at"
                type="number"
                min={0}
                max={100}
                aria-invalid={problem?.field === "reviewAt"}
                value={Math.round(settings.matching.reviewAt * 100)}
                onChange={(e) =>
                  setSettings({
                    ...settings,
                    matching: { ...settings.matching, reviewAt: Number(e.target.value) / 100 },
                  })
                }
              />
              <span className="hint">Lower scores are created as new customers in QuickBooks.</span>
            </div>
          </fieldset>

          <fieldset>
            <legend>Fix automatically (each fix is recorded in Activity)</legend>
            {(Object.keys(repairLabels) as (keyof AutoRepair)[]).map((key) => (
              <label className="check" key={key}>
                <input
                  type="checkbox"
                  checked={settings.autoRepair[key]}
                  onChange={(e) =>
                    setSettings({
                      ...settings,
                      autoRepair: { ...settings.autoRepair, [key]: e.target.checked },
                    })
                  }
                />
                {repairLabels[key]}
              </label>
            ))}
          </fieldset>

          <div className="field">
            <label htmlFor="recipients">Email the sync report to</label>
            <input
              id="recipients"
              type="text"
              inputMode="email"
              placeholder="office@example.com, bookkeeper@example.com"
              value={recipients}
              aria-invalid={problem?.field === "recipients"}
              aria-describedby="recipients-hint"
              onChange={(e) => setRecipients(e.target.value)}
            />
            <span className="hint" id="recipients-hint">
              Separate addresses with commas.{" "}
              {mail.data && mail.data.default.length > 0
                ? `Leave empty to use the default list (${mail.data.default.join(", ")}).`
                : "Leave empty to send no email."}
            </span>
          </div>

          {problem && (
            <Notice tone="bad" title="Not saved" testId="settings-problem">
              <p>{problem.message}</p>
            </Notice>
          )}
          <button type="submit" className="primary" disabled={busy !== undefined}>
            {busy === "save" ? "Saving…" : "Save settings"}
          </button>
        </form>
      )}
    </Screen>
  );
}
