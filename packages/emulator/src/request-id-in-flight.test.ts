import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createEmulator } from "./emulator.js";
import { withRequestId } from "./http-response.js";

/**
 * A client that gave up waiting retries while QBO is still carrying out the first try: the repeat must
 * get the first's answer, not write again. Found by the chaos run (seed 705478373): on a loaded
 * machine a batch outlived the client's timeout, its retry wrote every invoice a second time, QBO
 * answered 6140, and the invoices the first try had created stayed unlinked.
 */
describe("a requestid repeated while the first is still running", () => {
  it("waits for the first and answers with its response; the write runs once", async () => {
    const emu = createEmulator();
    const realm = emu.state.realms.get(emu.defaultRealmId)!;
    let runs = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const app = new Hono();
    app.post("/write", (c) =>
      withRequestId(c, realm, "write", async () => {
        runs++;
        const mine = runs;
        await gate;
        return c.json({ written: mine });
      }),
    );
    const first = app.request("/write?requestid=slow-1", { method: "POST" });
    await new Promise((r) => setTimeout(r, 10));
    const repeat = app.request("/write?requestid=slow-1", { method: "POST" });
    await new Promise((r) => setTimeout(r, 10));
    release();
    const answers = await Promise.all([first, repeat]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(await answers[0]!.json()).toEqual({ written: 1 });
    expect(await answers[1]!.json()).toEqual({ written: 1 });
    expect(runs).toBe(1);
    expect(realm.requestsInFlight.size).toBe(0);
  });

  it("runs the repeat itself when the first failed (failures are not remembered)", async () => {
    const emu = createEmulator();
    const realm = emu.state.realms.get(emu.defaultRealmId)!;
    let runs = 0;
    const app = new Hono();
    app.post("/write", (c) =>
      withRequestId(c, realm, "write", async () => {
        runs++;
        return runs === 1 ? c.json({ fault: true }, 400) : c.json({ written: runs });
      }),
    );
    expect((await app.request("/write?requestid=f-1", { method: "POST" })).status).toBe(400);
    const again = await app.request("/write?requestid=f-1", { method: "POST" });
    expect(await again.json()).toEqual({ written: 2 });
  });
});
