/**
 * bench/throttle.ts — the connector's rate limiter against the emulator at QBO's limits
 * (500 requests/min, 10 in flight), time-scaled (THROTTLE_BENCH_TIME_SCALE, default 10).
 *
 * Figures: the achieved request rate as a fraction of the 500/min limit and the number of 429s,
 * for the connector's limiter; the baseline is the same workload with no limiter (retrying on
 * 429 as every client must), measured in the same run. Target: ≥ 0.95 of the limit, zero 429s.
 */
import { createEmulator } from "@ledgerlink/emulator";
import { createQboClient, WindowRateLimiter, type RateLimiter } from "@ledgerlink/qbo";
import { writeResult } from "./write-result.js";

// 10×: an emulated minute passes in 6 real seconds. Higher scales make the run CPU-bound on a small
// machine (client and emulator share one event loop): then even the unthrottled baseline cannot
// reach the limit, and the figure measures the machine, not the limiter.
const TIME_SCALE = Number(process.env["THROTTLE_BENCH_TIME_SCALE"] ?? 10);
const LIMIT_PER_MINUTE = 500;
const EMULATED_MINUTES = Number(process.env["THROTTLE_BENCH_MINUTES"] ?? 6);
const WORKERS = 20;

interface RunResult {
  fraction: number;
  throttled: number;
  ok: number;
}

async function run(limiter: RateLimiter | undefined): Promise<RunResult> {
  const emulator = createEmulator({ timeScale: TIME_SCALE });
  const server = await emulator.listen({ host: "127.0.0.1" });
  try {
    const realm = emulator.createRealm({ companyName: "Throttle bench" });
    const customer = realm.create("Customer", { DisplayName: "Bench Customer" });
    const token = emulator.issueAccessToken(realm.id);
    const client = createQboClient({
      baseUrl: server.url,
      realmId: realm.id,
      getAccessToken: async () => token,
      ...(limiter ? { limiter } : {}),
      // The retry policy's delays are in real time; scale them like the emulator's clock.
      retry: {
        baseDelayMs: 500 / TIME_SCALE,
        maxDelayMs: 60_000 / TIME_SCALE,
        throttleDelayMs: 60_000 / TIME_SCALE,
        maxAttempts: 50,
      },
    });

    const startEmu = realm.now().getTime();
    const endEmu = startEmu + EMULATED_MINUTES * 60_000;
    const worker = async () => {
      while (realm.now().getTime() < endEmu) await client.read("Customer", String(customer["Id"]));
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));

    // Only requests that arrived inside the measured span count toward the rate.
    const log = realm.requestLog.filter((e) => {
      const t = Date.parse(e.time);
      return t >= startEmu && t < endEmu;
    });
    const ok = log.filter((e) => e.status === 200).length;
    const throttled = realm.requestLog.filter((e) => e.status === 429).length;
    return { fraction: Number((ok / (LIMIT_PER_MINUTE * EMULATED_MINUTES)).toFixed(3)), throttled, ok };
  } finally {
    await server.close();
  }
}

const limited = await run(new WindowRateLimiter({ timeScale: TIME_SCALE }));
const naive = await run(undefined);
console.log(
  `time scale ${TIME_SCALE}×, ${EMULATED_MINUTES} emulated minutes, ${WORKERS} workers: ` +
    `limiter ${limited.ok} requests admitted, no limiter ${naive.ok}`,
);

writeResult("throttle", [
  {
    name: "achieved rate / limit",
    value: limited.fraction,
    unit: "fraction of 500/min",
    target: 0.95,
    better: "higher",
    baseline: naive.fraction,
  },
  {
    name: "429s received",
    value: limited.throttled,
    unit: "responses",
    target: 0,
    better: "lower",
    baseline: naive.throttled,
  },
]);
