import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { startServer } from "../start-server.js";

/** What `npm start` and `ledgerlink serve` do on a fresh database: an admin, shown once, who can sign in. */
describe("the first admin of a fresh install", () => {
  it("is made once, signs in with the printed password, and is not made again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ledgerlink-first-admin-"));
    const config = loadConfig({
      PORT: "0",
      DATABASE_URL: `sqlite:${join(dir, "ledgerlink.db")}`,
      LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 5).toString("base64"),
      QBO_BASE_URL: "http://127.0.0.1:9",
      REPORT_DIR: join(dir, "reports"),
    });
    const first = await startServer(config);
    let admin: { email: string; password: string };
    try {
      admin = first.firstAdmin!;
      expect(admin.email).toBe("admin@localhost");
      const login = await fetch(`${first.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(admin),
      });
      expect(login.status).toBe(200);
      expect((await fetch(`${first.url}/api/status`)).status).toBe(401);
    } finally {
      await first.close();
    }
    const again = await startServer(config);
    try {
      expect(again.firstAdmin).toBeUndefined();
      expect(await again.store.auth.countUsers()).toBe(1);
    } finally {
      await again.close();
    }
  }, 60_000);
});
