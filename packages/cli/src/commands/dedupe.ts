import type { Command } from "commander";
import { DEFAULT_MATCH_POLICY, type MatchPolicy, checkMatchPolicy, findDuplicates } from "@ledgerlink/core";
import { exitCodes, UsageError } from "../exit-codes.js";
import {
  type FieldMapping,
  MATCH_CSV_FIELDS,
  parseFieldMapping,
  readMatchRecords,
  writeCsv,
} from "./match.js";

export interface RunDedupeOptions {
  input: string;
  out: string;
  fields?: FieldMapping;
  policy?: MatchPolicy;
  progress?: boolean;
}

export interface RunDedupeSummary {
  records: number;
  pairsCompared: number;
  clusters: number;
  duplicates: number;
}

/**
 * Finds duplicate clusters in one CSV file and writes clusters.csv: id, cluster_id, score — every input
 * id exactly once. A record alone is its own cluster with an empty score; in a cluster, cluster_id is the
 * first member's id and score the cluster's weakest pairwise score.
 */
export async function runDedupe(options: RunDedupeOptions): Promise<RunDedupeSummary> {
  const policy = checkMatchPolicy(options.policy ?? DEFAULT_MATCH_POLICY);
  const records = await readMatchRecords(options.input, options.fields ?? {}, options.progress);
  if (options.progress ?? process.stderr.isTTY)
    process.stderr.write(`looking for duplicates among ${records.length} records…\n`);
  const { clusters, pairsCompared } = findDuplicates(records, { policy });
  const clusterOf = new Map<string, { id: string; score: number }>();
  for (const c of clusters) for (const id of c.ids) clusterOf.set(id, { id: c.ids[0]!, score: c.score });
  await writeCsv(
    options.out,
    ["id", "cluster_id", "score"],
    records.map((r) => {
      const c = clusterOf.get(r.id);
      return c === undefined ? [r.id, r.id, ""] : [r.id, c.id, c.score.toFixed(4)];
    }),
  );
  return {
    records: records.length,
    pairsCompared,
    clusters: clusters.length,
    duplicates: clusterOf.size - clusters.length,
  };
}

interface DedupeCliOptions {
  in: string;
  out: string;
  field: string[];
  reviewAt: number;
  json?: boolean;
}

/** `ledgerlink dedupe`: standalone duplicate clustering of one CSV file. */
export function registerDedupe(program: Command): void {
  program
    .command("dedupe")
    .description("Find clusters of likely duplicate records in a CSV file")
    .requiredOption("--in <file>", "the CSV to check")
    .requiredOption("--out <file>", "where to write clusters.csv (id, cluster_id, score; every id once)")
    .option(
      "--field <field=Column>",
      `map a field to a CSV column, repeatable; fields: ${MATCH_CSV_FIELDS.join(", ")}`,
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option(
      "--review-at <score>",
      "pairs at or above this score may share a cluster",
      (v: string) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0 || n > 1)
          throw new UsageError(`--review-at must be a number within 0..1 (got "${v}")`);
        return n;
      },
      DEFAULT_MATCH_POLICY.reviewAt,
    )
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  $ ledgerlink dedupe --in customers.csv --field name=Company --field email=Email --out clusters.csv",
    )
    .action(async (opts: DedupeCliOptions) => {
      const summary = await runDedupe({
        input: opts.in,
        out: opts.out,
        fields: parseFieldMapping(opts.field),
        policy: { linkAt: Math.max(opts.reviewAt, DEFAULT_MATCH_POLICY.linkAt), reviewAt: opts.reviewAt },
      });
      if (opts.json) console.log(JSON.stringify(summary, null, 2));
      else
        console.log(
          `${summary.records} records: ${summary.clusters} clusters holding ${summary.duplicates} duplicates → ${opts.out}`,
        );
      process.exitCode = exitCodes.ok;
    });
}
