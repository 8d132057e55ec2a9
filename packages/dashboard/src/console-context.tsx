import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";

export interface Toast {
  id: number;
  text: string;
  tone: "ok" | "bad";
  /** An action offered with the message, e.g. Undo after a merge. */
  action?: { label: string; run: () => void };
}

export interface ConsoleContextValue {
  /** The company (tenant) this console works on, as the server names it. */
  company: string;
  /** Tells the person what just happened (announced to screen readers too). */
  notify: (text: string, tone?: Toast["tone"], action?: Toast["action"]) => void;
  /** Asks every screen showing counts or status to load them again (after a fix, a merge, a run). */
  refreshAll: () => void;
  /** Changes whenever refreshAll is called: add it to a screen's reload dependencies. */
  revision: number;
}

const ConsoleContext = createContext<ConsoleContextValue | undefined>(undefined);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error("useConsole outside ConsoleProvider");
  return value;
}

export function ConsoleProvider({ company, children }: { company: string; children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [revision, setRevision] = useState(0);
  const next = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const notify = useCallback<ConsoleContextValue["notify"]>(
    (text, tone = "ok", action) => {
      const id = next.current++;
      const toast: Toast = { id, text, tone };
      if (action) toast.action = action;
      // The same message twice in a row says nothing new.
      setToasts((ts) => (ts.some((t) => t.text === text) ? ts : [...ts.slice(-3), toast]));
      // Long enough to read and reach an Undo button; errors stay until dismissed.
      if (tone === "ok") window.setTimeout(() => dismiss(id), action ? 15_000 : 6_000);
    },
    [dismiss],
  );
  const refreshAll = useCallback(() => setRevision((r) => r + 1), []);
  const value = useMemo(
    () => ({ company, notify, refreshAll, revision }),
    [company, notify, refreshAll, revision],
  );

  return (
    <ConsoleContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast ${t.tone}`} data-testid="toast">
            <span>{t.text}</span>
            <span className="actions">
              {t.action && (
                <button
                  type="button"
                  onClick={() => {
                    t.action!.run();
                    dismiss(t.id);
                  }}
                >
                  {t.action.label}
                </button>
              )}
              <button type="button" aria-label="Dismiss message" onClick={() => dismiss(t.id)}>
                ×
              </button>
            </span>
          </div>
        ))}
      </div>
    </ConsoleContext.Provider>
  );
}
