// `npm run bench`: builds the benches, runs every bench at a size that fits a 2-core machine in under
// 15 minutes, records how each ran (bench/results/run-all.json: size, seconds, exit code, load
// average) and renders BENCHMARKS.md (bench/render-report.ts). Each bench writes its own
// bench/results/<name>.json. A bench that fails is reported as such; the others still run.
//
//   npm run bench                      every bench
//   node bench/run-all.js --only sync,chaos   some of them (the report keeps the others' last results)
//   node bench/run-all.js --skip dashboard
import { spawnSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "bench", "dist");

/** Every bench, with the size it runs at here (full sizes are each bench's defaults). */
const benches = [
  {
    name: "sync",
    size: "full: 2,000 customers + 10,000 invoices at 20× time, and the naive baseline",
    env: { SYNC_BENCH_TIME_SCALE: "20" },
  },
  {
    name: "chaos",
    size: "one pass of 300 customers + 1,500 invoices, 4 kills (full: 2,000 + 10,000, 10 kills: node bench/dist/chaos.js)",
    args: ["--customers", "300", "--invoices", "1500", "--kills", "4"],
  },
  {
    name: "soak",
    size: "20 companies for 2 minutes (full: 50 companies for 10: node bench/dist/soak.js)",
    args: ["--minutes", "2", "--companies", "20"],
  },
  {
    name: "throttle",
    size: "3 emulated minutes at 10× time, and the unthrottled baseline",
    env: { THROTTLE_BENCH_MINUTES: "3" },
  },
  {
    name: "scale",
    size: "10 companies × 100 invoices, 1/2/4 workers on PostgreSQL (LEDGERLINK_BENCH_DATABASE_URL or LEDGERLINK_TEST_DATABASE_URL; full: --companies 100 --invoices 1000)",
    args: ["--companies", "10", "--invoices", "100"],
  },
  { name: "emulator", size: "3 s in-process + 3 s over HTTP", env: { EMULATOR_BENCH_SECONDS: "3" } },
  { name: "ingest", size: "full: 100,000 records" },
  { name: "match", size: "full: 10k×10k and 100k×100k" },
  { name: "api", size: "full: 100,000 records, 10,000 problems" },
  { name: "dashboard", size: "full: 10,000 problems, 5 page loads" },
];

function flag(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : new Set(process.argv[i + 1].split(","));
}
const only = flag("only");
const skip = flag("skip") ?? new Set();

console.log("building the benches (tsc -p bench/tsconfig.json)");
const tsc = spawnSync(
  process.execPath,
  [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "bench", "tsconfig.json")],
  {
    stdio: "inherit",
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// Which code was measured: the checkout's commit (or BENCH_COMMIT when run from an exported tree).
const git = spawnSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" });
const commit = git.status === 0 ? git.stdout.trim() : (process.env.BENCH_COMMIT ?? "unknown");

const round2 = (l) => l.map((x) => Math.round(x * 100) / 100);
const run = {
  startedAt: new Date().toISOString(),
  commit,
  finishedAt: "",
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "unknown cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`,
  cpus: cpus().length,
  loadAverage: { atStart: round2(loadavg()), atEnd: [], perBench: {} },
  benches: [],
};
for (const b of benches) {
  if ((only && !only.has(b.name)) || skip.has(b.name)) {
    run.benches.push({ name: b.name, size: b.size, seconds: 0, exitCode: null });
    continue;
  }
  console.log(`\n=== ${b.name} (${b.size}); load average ${round2(loadavg()).join(" ")}`);
  const before = loadavg()[0];
  const started = performance.now();
  const r = spawnSync(process.execPath, [join(dist, `${b.name}.js`), ...(b.args ?? [])], {
    stdio: "inherit",
    env: { ...process.env, ...b.env },
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  run.loadAverage.perBench[b.name] = round2([before, loadavg()[0]]);
  run.benches.push({ name: b.name, size: b.size, seconds, exitCode: r.status });
  console.log(`=== ${b.name}: exit ${r.status} in ${seconds} s`);
}
run.finishedAt = new Date().toISOString();
run.loadAverage.atEnd = round2(loadavg());
writeFileSync(join(root, "bench", "results", "run-all.json"), JSON.stringify(run, null, 2) + "\n");

const render = spawnSync(process.execPath, [join(dist, "render-report.js")], { stdio: "inherit" });
const total = run.benches.reduce((a, b) => a + b.seconds, 0);
console.log(`\nbenches took ${Math.round(total)} s; BENCHMARKS.md rendered`);
const failed = run.benches.filter((b) => b.exitCode !== null && b.exitCode !== 0).map((b) => b.name);
if (failed.length > 0)
  console.log(`benches that exited non-zero (a missed target or a failure): ${failed.join(", ")}`);
process.exitCode = render.status === 0 ? 0 : 1;
