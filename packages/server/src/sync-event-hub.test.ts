import { describe, expect, it } from "vitest";
import { SyncEventHub, type HubMessage } from "./sync-event-hub.js";

const progress = (done: number) => ({ type: "progress" as const, runId: "r1", done, total: 3 });

describe("SyncEventHub", () => {
  it("delivers each company's events to its subscribers only, numbered per company", () => {
    const hub = new SyncEventHub();
    const a: HubMessage[] = [];
    const b: HubMessage[] = [];
    hub.subscribe("acme", (m) => a.push(m));
    hub.subscribe("other", (m) => b.push(m));
    hub.publish("acme", progress(1));
    hub.publish("acme", progress(2));
    hub.publish("other", progress(1));
    expect(a.map((m) => [m.id, m.event])).toEqual([
      [1, progress(1)],
      [2, progress(2)],
    ]);
    expect(b.map((m) => m.id)).toEqual([1]);
  });

  it("replays what a reconnecting client missed (after its Last-Event-ID), keeping only the newest", () => {
    const hub = new SyncEventHub(2);
    for (const n of [1, 2, 3]) hub.publish("acme", progress(n));
    const got: number[] = [];
    hub.subscribe("acme", (m) => got.push(m.id), 1);
    expect(got).toEqual([2, 3]);
    const fromStart: number[] = [];
    hub.subscribe("acme", (m) => fromStart.push(m.id), 0);
    // Event 1 fell out of the buffer of two.
    expect(fromStart).toEqual([2, 3]);
  });

  it("drops a listener that throws and unsubscribes on request; the publisher never fails", () => {
    const hub = new SyncEventHub();
    hub.subscribe("acme", () => {
      throw new Error("socket gone");
    });
    const seen: number[] = [];
    const off = hub.subscribe("acme", (m) => seen.push(m.id));
    expect(() => hub.publish("acme", progress(1))).not.toThrow();
    expect(hub.listenerCount("acme")).toBe(1);
    off();
    hub.publish("acme", progress(2));
    expect(seen).toEqual([1]);
    expect(hub.listenerCount("acme")).toBe(0);
  });
});
