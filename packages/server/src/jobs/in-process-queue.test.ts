import { afterEach, describe, expect, it, vi } from "vitest";
import { InProcessQueue } from "./in-process-queue.js";
import { JobPayloadError, type JobHandlers, type JobName } from "./job-types.js";

/** Handlers that record what ran; sync runs wait until the test lets them finish. */
function recording() {
  const ran: string[] = [];
  const gates = new Map<string, () => void>();
  const noop = () => Promise.resolve();
  const handlers: JobHandlers = {
    "sync-run": ({ companyId, trigger }) => {
      ran.push(`sync-run:${companyId}:${trigger}`);
      return new Promise<void>((r) => gates.set(companyId, r));
    },
    pull: ({ companyId }) => {
      ran.push(`pull:${companyId}`);
      if (companyId === "broken") return Promise.reject(new Error("pull failed"));
      return noop();
    },
    webhook: noop,
    "schedule-tick": () => {
      ran.push("schedule-tick");
      return noop();
    },
    "report-email": noop,
  };
  const finish = (companyId: string) => {
    gates.get(companyId)?.();
    gates.delete(companyId);
  };
  return { ran, handlers, finish };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe("InProcessQueue", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs jobs in arrival order, `concurrency` of each kind at a time, and reports depth", async () => {
    const q = new InProcessQueue();
    const { ran, handlers, finish } = recording();
    for (const c of ["a", "b", "c"]) await q.send("sync-run", { companyId: c });
    await q.send("pull", { companyId: "a" });
    expect((await q.depth())["sync-run"]).toEqual({ waiting: 3, active: 0 });
    await q.work(handlers, { concurrency: 2 });
    await settle();
    // Two sync runs at once; a pull is another kind and does not wait behind them.
    expect(ran).toEqual(["sync-run:a:api", "sync-run:b:api", "pull:a"]);
    expect((await q.depth())["sync-run"]).toEqual({ waiting: 1, active: 2 });
    finish("a");
    await settle();
    await settle();
    expect(ran.at(-1)).toBe("sync-run:c:api");
    finish("b");
    finish("c");
    await q.drained();
    expect((await q.depth())["sync-run"]).toEqual({ waiting: 0, active: 0 });
  });

  it("keeps one waiting job per singleton key (a second send answers null)", async () => {
    const q = new InProcessQueue();
    const first = await q.send("sync-run", { companyId: "a" }, { singletonKey: "a" });
    expect(first).toEqual(expect.any(String));
    expect(
      await q.send("sync-run", { companyId: "a", trigger: "schedule" }, { singletonKey: "a" }),
    ).toBeNull();
    expect(await q.send("sync-run", { companyId: "b" }, { singletonKey: "b" })).not.toBeNull();
    expect((await q.depth())["sync-run"].waiting).toBe(2);
    // Once it runs, the key is free again (a run asked for during a run is queued behind it).
    const { handlers, finish } = recording();
    await q.work(handlers);
    await settle();
    expect(await q.send("sync-run", { companyId: "a" }, { singletonKey: "a" })).not.toBeNull();
    for (const c of ["a", "b", "a"]) {
      finish(c);
      await settle();
      await settle();
    }
    await q.drained();
  });

  it("holds a delayed job until its time", async () => {
    vi.useFakeTimers();
    const q = new InProcessQueue();
    const { ran, handlers } = recording();
    await q.work(handlers);
    await q.send("schedule-tick", {}, { delayMs: 5_000 });
    await vi.advanceTimersByTimeAsync(4_900);
    expect(ran).toEqual([]);
    expect((await q.depth())["schedule-tick"].waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(ran).toEqual(["schedule-tick"]);
  });

  it("refuses a bad payload at send, naming the field", async () => {
    const q = new InProcessQueue();
    await expect(q.send("sync-run", { companyId: "" })).rejects.toBeInstanceOf(JobPayloadError);
    await expect(q.send("sync-run", { companyId: "" })).rejects.toThrow(/companyId/);
    expect((await q.depth())["sync-run"].waiting).toBe(0);
  });

  it("a failing job goes to onError and the queue carries on", async () => {
    const errors: [JobName, unknown][] = [];
    const q = new InProcessQueue((name, err) => errors.push([name, err]));
    const { ran, handlers } = recording();
    await q.work(handlers);
    await q.send("pull", { companyId: "broken" });
    await q.send("pull", { companyId: "fine" });
    await q.drained();
    expect(ran).toEqual(["pull:broken", "pull:fine"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toBe("pull");
    expect((errors[0]![1] as Error).message).toBe("pull failed");
  });

  it("stop waits for running jobs and takes no more", async () => {
    const q = new InProcessQueue();
    const { ran, handlers, finish } = recording();
    await q.work(handlers);
    await q.send("sync-run", { companyId: "a" });
    await settle();
    let stopped = false;
    const stopping = q.stop().then(() => (stopped = true));
    await q.send("sync-run", { companyId: "b" });
    await settle();
    expect(stopped).toBe(false);
    finish("a");
    await stopping;
    expect(ran).toEqual(["sync-run:a:api"]);
  });
});
