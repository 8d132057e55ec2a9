import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { companyPath } from "./api-client.js";
import type { SyncEvent, SyncEventType } from "./api-types.js";

const eventTypes: SyncEventType[] = [
  "run-started",
  "step-done",
  "step-failed",
  "progress",
  "recovered",
  "run-finished",
  "run-error",
];

type Listener = (event: SyncEvent) => void;

interface EventStreamValue {
  subscribe(listener: Listener): () => void;
  /** True while the live stream is open (the browser reconnects by itself when it drops). */
  live: boolean;
}

const EventStreamContext = createContext<EventStreamValue | undefined>(undefined);

/**
 * One Server-Sent Events connection per console (GET …/events), shared by every screen: the
 * progress bar, the activity feed and the screens that reload when a run finishes.
 */
export function EventStreamProvider({ company, children }: { company: string; children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [live, setLive] = useState(false);

  useEffect(() => {
    const source = new EventSource(companyPath(company, "events"));
    source.addEventListener("ready", () => setLive(true));
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(source.readyState === EventSource.OPEN);
    const handlers = eventTypes.map((type) => {
      const handler = (e: MessageEvent<string>) => {
        let event: SyncEvent;
        try {
          event = JSON.parse(e.data) as SyncEvent;
        } catch {
          return;
        }
        for (const l of listeners.current) l(event);
      };
      source.addEventListener(type, handler);
      return [type, handler] as const;
    });
    return () => {
      for (const [type, handler] of handlers) source.removeEventListener(type, handler);
      source.close();
      setLive(false);
    };
  }, [company]);

  const value = useRef<EventStreamValue>({
    subscribe(listener) {
      listeners.current.add(listener);
      return () => listeners.current.delete(listener);
    },
    live: false,
  });
  return (
    <EventStreamContext.Provider value={{ subscribe: value.current.subscribe, live }}>
      {children}
    </EventStreamContext.Provider>
  );
}

/** Calls `listener` with every live sync event while the component is shown. */
export function useSyncEvents(listener: Listener): { live: boolean } {
  const ctx = useContext(EventStreamContext);
  if (!ctx) throw new Error("useSyncEvents outside EventStreamProvider");
  const latest = useRef(listener);
  latest.current = listener;
  const { subscribe } = ctx;
  useEffect(() => subscribe((e) => latest.current(e)), [subscribe]);
  return { live: ctx.live };
}
