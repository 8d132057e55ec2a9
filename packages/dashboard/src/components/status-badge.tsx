import type { ConnectionStateName } from "../status-types.js";

const connectionWords: Record<ConnectionStateName, { tone: string; text: string }> = {
  connected: { tone: "ok", text: "Connected" },
  "needs-reconnect": { tone: "bad", text: "Needs reconnecting" },
  disconnected: { tone: "idle", text: "Not connected" },
  disabled: { tone: "warn", text: "Turned off" },
};

export function ConnectionBadge({ state }: { state: ConnectionStateName }) {
  const w = connectionWords[state];
  return (
    <span className={`status ${w.tone}`} data-testid="connection-state">
      {w.text}
    </span>
  );
}

/** The sync's overall state: green done, blue running, red needs attention. */
export type SyncHealth = "running" | "done" | "errors" | "never" | "off";

const healthWords: Record<SyncHealth, { tone: string; text: string }> = {
  running: { tone: "run", text: "Syncing now" },
  done: { tone: "ok", text: "Up to date" },
  errors: { tone: "bad", text: "Needs attention" },
  never: { tone: "idle", text: "Not synced yet" },
  off: { tone: "warn", text: "Sync is off" },
};

export function HealthBadge({ health }: { health: SyncHealth }) {
  const w = healthWords[health];
  return (
    <span className={`status ${w.tone}`} data-testid="sync-health" data-health={health}>
      {w.text}
    </span>
  );
}
