import { systemClock, type Clock } from "@ledgerlink/core";
import { createEmulator } from "@ledgerlink/emulator";
import { createQboClient } from "@ledgerlink/qbo";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCompanySync } from "./company-sync.js";
import { ingestRecords } from "./ingest-records.js";
import { Scheduler } from "./scheduler.js";

describe.each(testDatabases())("the scheduler runs each company on its schedule ($dialect)", (database) => {
  const emu = createEmulator();
  let server: Awaited<ReturnType<typeof emu.listen>>;
  let store: Store;
  let now = new Date("2026-11-21T10:00:00Z");
  const clock: Clock = { now: () => now };
  const runs: string[] = [];
  let scheduler: Scheduler;

  beforeAll(async () => {
    server = await emu.listen({ port: 0, host: "127.0.0.1" });
    store = await openStore(database.fresh());
    const client = createQboClient({
      baseUrl: server.url,
      realmId: emu.defaultRealmId,
      getAccessToken: () => Promise.resolve(emu.issueAccessToken(emu.defaultRealmId)),
    });
    for (const id of ["every", "daily", "change", "manual"]) await store.ensureCompany(id, id);
    await store.connections.saveSettings(
      "every",
      true,
      { schedule: { mode: "every", everyMinutes: 15 } },
      now.toISOString(),
    );
    await store.connections.saveSettings(
      "daily",
      true,
      { schedule: { mode: "daily", dailyAt: "02:00", timeZone: "America/Chicago" } },
      now.toISOString(),
    );
    await store.connections.saveSettings(
      "change",
      true,
      { schedule: { mode: "on-change" } },
      now.toISOString(),
    );
    await store.connections.saveSettings("manual", true, { schedule: { mode: "manual" } }, now.toISOString());
    scheduler = new Scheduler({
      store,
      clock,
      // A real sync against the emulator (the realm is shared: each company syncs distinct names).
      runScheduled: async (companyId) => {
        runs.push(companyId);
        const r = await runCompanySync({ store, companyId, client, clock: systemClock, trigger: "schedule" });
        return r.run?.id;
      },
    });
  });
  afterAll(async () => {
    await store?.close();
    await server?.close();
  });

  it("fires timed schedules when due (not at once when first seen), on-change ones when records change", async () => {
    await ingestRecords(
      store.company("change"),
      "customer",
      [{ id: "1", displayName: "Changed Co" }],
      now.toISOString(),
    );
    expect(await scheduler.tick()).toEqual(["change"]); // timed ones only start counting
    expect(await scheduler.tick()).toEqual([]); // nothing changed since that run

    now = new Date("2026-11-21T10:16:00Z");
    expect(await scheduler.tick()).toEqual(["every"]);
    expect((await store.company("every").sync.getSchedule()).nextRunAt).toBe("2026-11-21T10:31:00.000Z");

    // 02:00 in Chicago is 08:00Z the next morning.
    expect((await store.company("daily").sync.getSchedule()).nextRunAt).toBe("2026-11-22T08:00:00.000Z");
    now = new Date("2026-11-22T08:00:30Z");
    expect((await scheduler.tick()).sort()).toEqual(["daily", "every"]);

    await ingestRecords(
      store.company("change"),
      "customer",
      [{ id: "2", displayName: "Also Changed" }],
      new Date().toISOString(),
    );
    expect(await scheduler.tick()).toEqual(["change"]);
    const [last] = await store.company("change").sync.listRunSummaries({ limit: 1 });
    expect(last).toMatchObject({ trigger: "schedule", status: "succeeded" });
    expect(runs).not.toContain("manual");
  });
});
