import { systemClock } from "@ledgerlink/core";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../../test/api-harness.js";
import { createApp } from "../app.js";
import { loadConfig } from "../config.js";
import { ConnectionService } from "../connection-service.js";
import { ensureFirstAdmin } from "./first-admin.js";
import { TokenBuckets } from "./rate-limit.js";

describe("token buckets", () => {
  it("allows the burst, then one per refill interval, and says how long to wait", () => {
    let now = 120_000; // past the first sweep, which must not eat a fresh bucket's token
    const b = new TokenBuckets(60, 3, () => now); // one a second, three at once
    expect([b.take("k"), b.take("k"), b.take("k")]).toEqual([0, 0, 0]);
    expect(b.take("k")).toBe(1);
    expect(b.take("other")).toBe(0);
    now += 1000;
    expect(b.take("k")).toBe(0);
    expect(b.take("k")).toBe(1);
    now += 60_000;
    expect([b.take("k"), b.take("k"), b.take("k"), b.take("k")]).toEqual([0, 0, 0, 1]);
  });
});

describe.each(testDatabases())("rate limits and security headers over HTTP ($dialect)", (database) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness(database, {
      // Refills so slowly (one a minute) that the test never sees a refill, however loaded the machine.
      rateLimit: { requestsPerMinute: 1, burst: 5, failuresPerMinute: 3 },
    });
  }, 60_000);
  afterAll(() => h?.close());

  it("answers 429 with Retry-After once a key has spent its burst; other keys go on", async () => {
    const key = await h.newKey("acme", "read-only");
    const statuses: number[] = [];
    let last = await h.callAs(key, "GET", "/api/v1/companies/acme/runs");
    statuses.push(last.status);
    for (let i = 0; i < 6; i++) {
      last = await h.callAs(key, "GET", "/api/v1/companies/acme/runs");
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(last.body).toMatchObject({ error: { code: "rate_limited" } });
    const other = await h.newKey("acme", "read-only");
    expect((await h.callAs(other, "GET", "/api/v1/companies/acme/runs")).status).toBe(200);
  });

  it("stops password and key guessing from one address after a few failures", async () => {
    const admin = (await ensureFirstAdmin(h.store, systemClock))!;
    const tries: number[] = [];
    for (let i = 0; i < 3; i++)
      tries.push(
        (await h.callAs(null, "POST", "/api/v1/auth/login", { email: admin.email, password: `guess${i}` }))
          .status,
      );
    expect(tries).toEqual([401, 401, 401]);
    // Even the right password waits now: the guesser cannot tell a hit.
    const right = await h.callAs(null, "POST", "/api/v1/auth/login", admin);
    expect(right.status).toBe(429);
    expect(right.headers.get("retry-after")).not.toBeNull();
    const key = await h.callAs(null, "GET", "/api/v1/companies/acme/runs", undefined, {
      authorization: `Bearer llk_${"x".repeat(43)}`,
    });
    expect(key.status).toBe(429);
  });

  it("puts security headers on every kind of answer", async () => {
    const answers = [
      await h.callAs(null, "GET", "/api/health"),
      await h.callAs(null, "GET", "/api/v1/companies/acme/runs"),
      await h.callAs(null, "GET", "/api/openapi.json"),
      await h.callAs(null, "GET", "/api/docs"),
      await h.callAs(null, "GET", "/api/nope"),
      await h.callAs(null, "GET", "/"),
      await h.callAs(null, "GET", "/errors"),
    ];
    for (const a of answers) {
      expect(a.headers.get("x-content-type-options")).toBe("nosniff");
      expect(a.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(a.headers.get("referrer-policy")).toBe("same-origin");
      expect(a.headers.get("x-frame-options")).toBe("DENY");
    }
    expect(answers[1]!.headers.get("cache-control")).toBe("no-store");
  });
});

describe.each(testDatabases())("password guessing across server processes ($dialect)", (database) => {
  let stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
  });

  it("two servers on one database spend from one bucket per address", async () => {
    // Two processes behind a load balancer, as two stores (two connections) and two apps.
    const config = database.fresh();
    stores = [await openStore(config), await openStore(config)];
    const settings = loadConfig({
      QBO_BASE_URL: "http://127.0.0.1:9",
      LEDGERLINK_TOKEN_KEY: "a".repeat(43) + "=",
    });
    const [a, b] = stores.map((store) =>
      createApp({
        config: settings,
        store,
        connections: new ConnectionService({ store, config: settings, clock: systemClock }),
        clock: systemClock,
        rateLimit: { requestsPerMinute: 600, burst: 600, failuresPerMinute: 3 },
      }),
    );
    const admin = (await ensureFirstAdmin(stores[0]!, systemClock))!;
    const login = async (app: NonNullable<typeof a>, password: string) =>
      (
        await app.request("/api/v1/auth/login", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: admin.email, password }),
        })
      ).status;
    // Three guesses, two on one server and one on the other: before, each counted only its own.
    expect([await login(a!, "guess-1"), await login(b!, "guess-2"), await login(a!, "guess-3")]).toEqual([
      401, 401, 401,
    ]);
    expect(await login(b!, admin.password)).toBe(429);
    expect(await login(a!, admin.password)).toBe(429);
  }, 60_000);
});

describe.each(testDatabases())("text that cannot be stored, in any JSON body ($dialect)", (database) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness(database);
  }, 60_000);
  afterAll(() => h?.close());

  it("answers 400 naming the field for a NUL or half a character, and stores nothing", async () => {
    // PostgreSQL cannot hold either: before, they reached it and the answer was a 500.
    const user = await h.call<{ error: { code: string; message: string; details: { field: string } } }>(
      "POST",
      "/api/v1/auth/users",
      {
        email: "nul@acme.example",
        name: "Ann\u0000Lee",
        password: "a-long-enough-password",
        role: "bookkeeper",
      },
    );
    expect(user.status).toBe(400);
    expect(user.body.error.details.field).toBe("name");
    expect(user.body.error.message).toContain("NUL character");
    expect((await h.store.auth.findUserByEmail("nul@acme.example")) ?? null).toBeNull();

    const endpoint = await h.call<{ error: { message: string; details: { field: string } } }>(
      "POST",
      "/api/v1/companies/acme/webhook-endpoints",
      {
        url: "https://hooks.example/in",
        description: "half \ud800 a character",
        eventTypes: ["record.synced"],
      },
    );
    expect(endpoint.status).toBe(400);
    expect(endpoint.body.error.details.field).toBe("description");
    expect(endpoint.body.error.message).toContain("unpaired UTF-16 surrogate");
    expect(await h.store.company("acme").outbound.listEndpoints()).toEqual([]);
  });
});
