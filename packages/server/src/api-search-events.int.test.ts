import type { SyncEventDto } from "@ledgerlink/core";
import { testDatabases } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  expectBadField,
  expectContract,
  startApiHarness,
  type ApiHarness,
} from "../test/api-harness.js";

type Hit = {
  source: string;
  kind: string;
  ref: string | null;
  id: string;
  qboId: string | null;
  name: string | null;
  matched: string;
  rank: string;
};
type Page<T> = { items: T[]; nextCursor: string | null };

describe.each(testDatabases())("smart search over HTTP ($dialect)", (database) => {
  let h: ApiHarness;
  const base = "/api/v1/companies/acme";
  const search = async (q: string, extra = "") =>
    expectContract<Page<Hit>>(
      "search",
      await h.call("GET", `${base}/search?q=${encodeURIComponent(q)}${extra}`),
      200,
    );

  beforeAll(async () => {
    h = await startApiHarness(database);
    h.realm().create("Customer", {
      DisplayName: "Big Duplicating Co.",
      PrimaryEmailAddr: { Address: "accounts@bigdup.example" },
      PrimaryPhone: { FreeFormNumber: "+1 (555) 201-7788" },
    });
    h.realm().create("Customer", {
      DisplayName: "Copy Kings",
      PrimaryEmailAddr: { Address: "hello@copykings.example" },
    });
    await h.put("customer", [
      {
        id: "1042",
        displayName: "Big Duplicating Co.",
        email: "accounts@bigdup.example",
        phone: "555-201-7788",
        active: true,
      },
      { id: "10420", displayName: "Bigelow Tea Room", active: true },
      { id: "77", displayName: "Duplex Diner", email: "owner@duplex.example", active: true },
      { id: "a_b", displayName: "100% Percent_Shop", active: true },
    ]);
    await h.put("item", [
      { id: "12", name: "Big toner", type: "Service", unitPrice: "10.00", incomeAccount: "Services" },
    ]);
    await h.put("invoice", [
      {
        id: "77",
        docNumber: "INV-77",
        customerId: "77",
        txnDate: "2026-11-02",
        lines: [{ itemId: "12", qty: "1", unitPrice: "10.00" }],
      },
    ]);
    await h.sync();
  });
  afterAll(() => h?.close());

  it("a reference finds its record first, then references that start with it", async () => {
    const r = await search("C:1042");
    expect(r.items[0]).toMatchObject({
      source: "app",
      ref: "C:1042",
      matched: "ref",
      rank: "exact",
      name: "Big Duplicating Co.",
    });
    expect(r.items[0]!.qboId).not.toBeNull();
    // The QBO customer it is linked to comes along, and C:10420 as a prefix match.
    expect(r.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: "qbo", ref: "C:1042", rank: "exact" }),
        expect.objectContaining({ ref: "C:10420", rank: "prefix" }),
      ]),
    );
    expect((await search("inv:77")).items[0]).toMatchObject({ ref: "INV:77", name: "INV-77" });
    expect((await search("ITEM:12")).items[0]).toMatchObject({ ref: "ITEM:12", name: "Big toner" });
  });

  it("names rank exact, then prefix, then contains; emails, phones and QBO Ids are found", async () => {
    const big = await search("big");
    const ranks = big.items.map((i) => i.rank);
    expect(ranks).toEqual(
      [...ranks].sort(
        (a, b) => ["exact", "prefix", "contains"].indexOf(a) - ["exact", "prefix", "contains"].indexOf(b),
      ),
    );
    expect(big.items.filter((i) => i.source === "app").map((i) => i.name)).toEqual([
      "Big Duplicating Co.",
      "Big toner",
      "Bigelow Tea Room",
    ]);
    const dup = await search("dup");
    expect(dup.items.map((i) => [i.name, i.rank])).toEqual(
      expect.arrayContaining([
        ["Duplex Diner", "prefix"],
        ["Big Duplicating Co.", "contains"],
      ]),
    );
    expect(dup.items.findIndex((i) => i.name === "Duplex Diner")).toBeLessThan(
      dup.items.findIndex((i) => i.name === "Big Duplicating Co."),
    );

    const email = await search("ACCOUNTS@bigdup.example");
    expect(email.items.map((i) => [i.source, i.matched, i.rank])).toEqual([
      ["app", "email", "exact"],
      ["qbo", "email", "exact"],
    ]);
    expect((await search("hello@copy")).items).toEqual([
      expect.objectContaining({ source: "qbo", name: "Copy Kings", rank: "prefix" }),
    ]);
    const phone = await search("(555) 201-7788");
    expect(phone.items.map((i) => [i.source, i.matched])).toEqual([
      ["app", "phone"],
      ["qbo", "phone"],
    ]);
    const qboId =
      big.items.find((i) => i.source === "qbo" && i.name === "Copy Kings")?.id ??
      (await search("Copy Kings")).items[0]!.id;
    expect((await search(qboId, "&source=qbo")).items[0]).toMatchObject({
      matched: "qboId",
      rank: "exact",
      id: qboId,
    });
    // LIKE's wildcards are plain characters here.
    // (the app's record, and the QBO customer the sync created from it).
    expect((await search("0% P")).items.map((i) => [i.source, i.name])).toEqual([
      ["app", "100% Percent_Shop"],
      ["qbo", "100% Percent_Shop"],
    ]);
    expect((await search("0_ p")).items).toEqual([]);
  });

  it("filters by source, pages with a cursor, and refuses bad input naming the field", async () => {
    expect((await search("big", "&source=app")).items.every((i) => i.source === "app")).toBe(true);
    const first = await search("big", "&limit=2");
    const second = await search("big", `&limit=2&cursor=${first.nextCursor}`);
    const all = await search("big", "&limit=100");
    expect([...first.items, ...second.items]).toEqual(all.items.slice(0, 4));
    expectBadField("search", await h.call("GET", `${base}/search`), "q");
    expectBadField("search", await h.call("GET", `${base}/search?q=%20`), "q");
    expectBadField("search", await h.call("GET", `${base}/search?q=a&source=web`), "source");
    expectBadField("search", await h.call("GET", `${base}/search?q=a&limit=101`), "limit");
    expectContract("search", await h.call("GET", "/api/v1/companies/ghost/search?q=a"), 404);
  });
});

describe.each(testDatabases())("live events and Sync Now conflicts ($dialect)", (database) => {
  let h: ApiHarness;
  const base = "/api/v1/companies/acme";

  beforeAll(async () => {
    // Every QBO call takes 150 ms, so a sync of 300 records lasts long enough to watch and to collide with.
    h = await startApiHarness(database, { emulatorLatencyMs: 150 });
    await h.put(
      "customer",
      Array.from({ length: 300 }, (_, i) => ({ id: `c${i}`, displayName: `Customer ${i}`, active: true })),
    );
  });
  afterAll(() => h?.close());

  /** Reads the SSE stream until `until` says stop; returns the events (type + data). */
  async function watch(
    url: string,
    until: (events: SyncEventDto[]) => boolean,
    headers: Record<string, string> = {},
  ) {
    const controller = new AbortController();
    const res = await fetch(url, {
      signal: controller.signal,
      headers: { authorization: `Bearer ${h.apiKey}`, ...headers },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const events: (SyncEventDto & { _id?: string })[] = [];
    let buffer = "";
    let ready = false;
    const done = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const lines = block.split("\n");
          const type = lines.find((l) => l.startsWith("event: "))?.slice(7);
          const id = lines.find((l) => l.startsWith("id: "))?.slice(4);
          const data = lines.find((l) => l.startsWith("data: "))?.slice(6);
          if (type === "ready") {
            ready = true;
            continue;
          }
          if (type && data)
            events.push({ ...(JSON.parse(data) as SyncEventDto), ...(id ? { _id: id } : {}) });
          if (until(events)) {
            controller.abort();
            return events;
          }
        }
      }
      return events;
    })().catch((err: unknown) => {
      if ((err as Error).name === "AbortError") return events;
      throw err;
    });
    await eventually(async () => (ready ? true : undefined));
    return { done, events };
  }

  it("streams progress for a running sync; a second Sync Now is refused with 409 meanwhile", async () => {
    const stream = await watch(`${h.url}${base}/events`, (es) => es.some((e) => e.type === "run-finished"));
    const started = expectContract<{ runId: string }>("startRun", await h.call("POST", `${base}/runs`), 202);
    const busy = expectContract<{ error: { code: string } }>(
      "startRun",
      await h.call("POST", `${base}/runs`),
      409,
    );
    expect(busy.error.code).toBe("sync_running");
    expect(
      expectContract<{ error: { code: string } }>(
        "syncRecord",
        await h.call("POST", `${base}/records/C:c1/sync`),
        409,
      ).error.code,
    ).toBe("sync_running");
    const running = expectContract<{ status: string; active: boolean }>(
      "getRun",
      await h.call("GET", `${base}/runs/${started.runId}`),
      200,
    );
    expect(running).toMatchObject({ status: "running", active: true });

    const events = await stream.done;
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("run-started");
    expect(types.at(-1)).toBe("run-finished");
    const progress = events.filter(
      (e): e is Extract<SyncEventDto, { type: "progress" }> => e.type === "progress",
    );
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((p) => p.runId === started.runId && p.total === 300)).toBe(true);
    expect(progress.at(-1)!.done).toBe(300);
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    expect(events.filter((e) => e.type === "step-done")).toHaveLength(300);
    const finished = events.at(-1) as Extract<SyncEventDto, { type: "run-finished" }>;
    expect(finished.run).toMatchObject({ id: started.runId, status: "succeeded", counts: { created: 300 } });
  });

  it("a client reconnecting with Last-Event-ID gets what it missed; ?types narrows the stream; bad types are refused", async () => {
    await h.put("customer", [{ id: "late", displayName: "Late Arrival", active: true }]);
    const started = expectContract<{ runId: string }>("startRun", await h.call("POST", `${base}/runs`), 202);
    await eventually(async () => {
      const r = expectContract<{ status: string }>(
        "getRun",
        await h.call("GET", `${base}/runs/${started.runId}`),
        200,
      );
      return r.status === "running" ? undefined : r;
    });
    // Connect after it finished, saying the last event seen was the first run's last one.
    const replay = await watch(
      `${h.url}${base}/events?types=run-started,run-finished`,
      (es) => es.some((e) => e.type === "run-finished" && e.run.id === started.runId),
      { "last-event-id": "0" },
    );
    const got = await replay.done;
    expect(got.every((e) => e.type === "run-started" || e.type === "run-finished")).toBe(true);
    expect(got.filter((e) => e.type === "run-started").map((e) => (e as { runId: string }).runId)).toContain(
      started.runId,
    );
    expectBadField("streamEvents", await h.call("GET", `${base}/events?types=progress,nap`), "types");
    expectContract("streamEvents", await h.call("GET", "/api/v1/companies/ghost/events"), 404);
  });

  it("cancel stops a running sync: the run ends cancelled and says so", async () => {
    await h.put(
      "customer",
      Array.from({ length: 400 }, (_, i) => ({ id: `k${i}`, displayName: `Client ${i}`, active: true })),
    );
    const stream = await watch(`${h.url}${base}/events?types=run-finished`, (es) => es.length > 0);
    const started = expectContract<{ runId: string }>("startRun", await h.call("POST", `${base}/runs`), 202);
    const cancelled = expectContract<{ cancelRequested: boolean }>(
      "cancelRun",
      await h.call("POST", `${base}/runs/${started.runId}/cancel`),
      200,
    );
    expect(cancelled.cancelRequested).toBe(true);
    const [finished] = (await stream.done) as Extract<SyncEventDto, { type: "run-finished" }>[];
    expect(finished!.run).toMatchObject({ id: started.runId, status: "cancelled" });
    expect(finished!.run.counts.created).toBeLessThan(400);
  });
});
