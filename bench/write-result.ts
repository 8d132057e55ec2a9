import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target: number | null;
  better: "higher" | "lower";
  /** The baseline the issue names, measured in the same run (null where there is none). */
  baseline: number | null;
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "results");

export function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown cpu";
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Did the figure meet its target? (null when it has none) */
export function met(f: Figure): boolean | null {
  if (f.target === null) return null;
  return f.better === "higher" ? f.value >= f.target : f.value <= f.target;
}

/** Prints the figures as a table and writes bench/results/<name>.json. */
export function writeResult(name: string, figures: Figure[]): void {
  const rows = figures.map((f) => ({
    ...f,
    ratio: f.baseline === null || f.baseline === 0 ? null : Number((f.value / f.baseline).toFixed(3)),
  }));
  for (const r of rows) {
    const verdict = met(r) === null ? "" : met(r) ? "  met" : "  MISSED";
    const target = r.target === null ? "" : `  target ${r.better === "higher" ? "≥" : "≤"} ${r.target}`;
    const base = r.baseline === null ? "" : `  baseline ${r.baseline} (ratio ${r.ratio})`;
    console.log(`${r.name}: ${r.value} ${r.unit}${target}${base}${verdict}`);
  }
  mkdirSync(resultsDir, { recursive: true });
  const out = { name, date: new Date().toISOString(), machine: machine(), figures: rows };
  writeFileSync(join(resultsDir, `${name}.json`), JSON.stringify(out, null, 2) + "\n");
}
