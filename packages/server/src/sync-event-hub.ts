import type { SyncEventDto } from "@ledgerlink/core";

export interface HubMessage {
  /** Increasing per company: the SSE `id`, so a client reconnecting with Last-Event-ID gets what it missed. */
  id: number;
  event: SyncEventDto;
}

export type HubListener = (message: HubMessage) => void;

interface CompanyChannel {
  seq: number;
  recent: HubMessage[];
  listeners: Set<HubListener>;
}

/**
 * In-process fan-out of sync events per company: the background Sync Now (and anything else running a
 * sync here) publishes, SSE streams subscribe. Keeps the last `keep` events of each company so a client
 * that reconnects misses nothing. A listener that throws is dropped, never the publisher.
 */
export class SyncEventHub {
  private readonly channels = new Map<string, CompanyChannel>();

  constructor(private readonly keep = 1000) {}

  private channel(companyId: string): CompanyChannel {
    let ch = this.channels.get(companyId);
    if (!ch) {
      ch = { seq: 0, recent: [], listeners: new Set() };
      this.channels.set(companyId, ch);
    }
    return ch;
  }

  publish(companyId: string, event: SyncEventDto): HubMessage {
    const ch = this.channel(companyId);
    const message = { id: ++ch.seq, event };
    ch.recent.push(message);
    if (ch.recent.length > this.keep) ch.recent.splice(0, ch.recent.length - this.keep);
    for (const listener of [...ch.listeners]) {
      try {
        listener(message);
      } catch {
        ch.listeners.delete(listener);
      }
    }
    return message;
  }

  /**
   * Calls `listener` for every event from now on; with `afterId`, first replays the kept events after
   * it. Returns the unsubscribe function.
   */
  subscribe(companyId: string, listener: HubListener, afterId?: number): () => void {
    const ch = this.channel(companyId);
    if (afterId !== undefined) for (const m of ch.recent) if (m.id > afterId) listener(m);
    ch.listeners.add(listener);
    return () => {
      ch.listeners.delete(listener);
    };
  }

  listenerCount(companyId: string): number {
    return this.channels.get(companyId)?.listeners.size ?? 0;
  }
}
