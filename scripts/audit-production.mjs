// `npm run audit`: npm audit of the production dependencies, failing on any high or critical advisory.
// When the registry's advisory service cannot be reached (some mirrors answer it 405) there is no
// result to judge: that is said plainly and, unless LEDGERLINK_AUDIT_REQUIRED=1, is not a failure —
// a machine that can reach it (a release machine, CI with the public registry) must run this.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";

const run = () =>
  new Promise((resolve) => {
    execFile(
      "npm",
      ["audit", "--omit=dev", "--json"],
      { maxBuffer: 64 * 1024 * 1024 },
      (_err, stdout, stderr) => resolve({ stdout, stderr }),
    );
  });

// --report <file> judges a saved `npm audit --json` answer instead of asking the registry.
const saved = process.argv.indexOf("--report");
const { stdout, stderr } =
  saved > 0 ? { stdout: readFileSync(process.argv[saved + 1], "utf8"), stderr: "" } : await run();
let report;
try {
  report = JSON.parse(stdout);
} catch {
  console.error(`npm audit answered something that is not JSON:\n${stdout}\n${stderr}`);
  process.exit(1);
}

if (report.metadata?.vulnerabilities === undefined) {
  const why = report.message ?? report.error?.summary ?? "no advisory data in the answer";
  const required = process.env.LEDGERLINK_AUDIT_REQUIRED === "1";
  console.log(
    `npm audit: the advisory service could not be asked (${why}), so there is NO audit result.` +
      (required ? "" : " Run `npm run audit` where it is reachable before a release (see SECURITY.md)."),
  );
  process.exit(required ? 1 : 0);
}

const counts = report.metadata.vulnerabilities;
const serious = Object.values(report.vulnerabilities ?? {}).filter(
  (v) => v.severity === "high" || v.severity === "critical",
);
for (const v of serious) {
  const titles = v.via
    .filter((x) => typeof x === "object")
    .map((x) => `${x.title} (${x.url})`)
    .join("; ");
  console.log(`${v.severity.toUpperCase()} ${v.name} ${v.range}: ${titles || `through ${v.via.join(", ")}`}`);
}
console.log(
  `npm audit --omit=dev: ${counts.critical} critical, ${counts.high} high, ${counts.moderate} moderate, ${counts.low} low` +
    ` across ${report.metadata.dependencies?.prod ?? "?"} production packages`,
);
process.exit(serious.length > 0 ? 1 : 0);
