import { describe, expect, it } from "vitest";
import { createEmulator } from "@ledgerlink/emulator";

// Over a real socket: the in-flight limit, the batch limit, an injected timeout and a dropped connection.
describe("limits and transport faults over HTTP", () => {
  it("answers 429 beyond the in-flight limit and the batch-per-minute limit", async () => {
    // 200 emulated ms of latency at timeScale 4 keeps each request in flight for 50 real ms.
    const emu = createEmulator({
      limits: { concurrent: 3, batchPerMinute: 2 },
      latencyMs: { min: 200, max: 200 },
      timeScale: 4,
    });
    const server = await emu.listen({ port: 0 });
    try {
      const token = emu.issueAccessToken(emu.defaultRealmId);
      const base = `${server.url}/v3/company/${emu.defaultRealmId}`;
      const get = () =>
        fetch(`${base}/preferences`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
      const statuses = await Promise.all(Array.from({ length: 5 }, get));
      expect(statuses.filter((s) => s === 200)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(2);

      const batch = () =>
        fetch(`${base}/batch`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ BatchItemRequest: [{ bId: "1", Query: "select count(*) from Customer" }] }),
        }).then((r) => r.status);
      expect([await batch(), await batch(), await batch()]).toEqual([200, 200, 429]);
    } finally {
      await server.close();
    }
  });

  it("holds an injected timeout for QBO's 120 s (scaled) then answers 504, and drops a connection", async () => {
    const emu = createEmulator({ timeScale: 12_000 });
    const server = await emu.listen({ port: 0 });
    try {
      const token = emu.issueAccessToken(emu.defaultRealmId);
      const url = `${server.url}/v3/company/${emu.defaultRealmId}/preferences`;
      const realm = emu.realm(emu.defaultRealmId);
      realm.injectFault({ kind: "timeout", times: 1 });
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(504);
      realm.injectFault({ kind: "drop", times: 1 });
      await expect(fetch(url, { headers: { authorization: `Bearer ${token}` } })).rejects.toThrow();
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
