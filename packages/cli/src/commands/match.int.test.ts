import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { afterAll, describe, expect, it } from "vitest";
import { type MatchRecord, generateSyntheticCustomers, generateSyntheticDuplicates } from "@ledgerlink/core";
import { runDedupe } from "./dedupe.js";
import { parseFieldMapping, runMatch } from "./match.js";

const dir = mkdtempSync(join(tmpdir(), "ledgerlink-match-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes records with the column names an integrator's export might use. */
function writeRecords(path: string, records: MatchRecord[]): void {
  const rows = records.map((r) => ({
    "Customer No": r.id,
    Company: r.name,
    "E-mail": r.email ?? "",
    Phone: r.phone ?? "",
    Street: r.address?.line1 ?? "",
    city: r.address?.city ?? "",
    ZIP: r.address?.postalCode ?? "",
  }));
  writeFileSync(path, stringify(rows, { header: true }));
}

const mapping = [
  "id=Customer No",
  "name=Company",
  "email=E-mail",
  "phone=Phone",
  "address=Street",
  "postcode=ZIP",
];

describe("ledgerlink match (runMatch)", () => {
  it("writes one row per proposed pair, with scores, bands and reasons, matching the truth", async () => {
    const g = generateSyntheticCustomers({ entities: 1500, seed: 3 });
    const left = join(dir, "left.csv");
    const right = join(dir, "right.csv");
    const out = join(dir, "pairs.csv");
    writeRecords(left, g.local);
    writeRecords(right, g.qbo);
    const summary = await runMatch({ left, right, out, fields: parseFieldMapping(mapping), progress: false });
    const rows = parse(readFileSync(out), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(["id_left", "id_right", "score", "band", "reasons"]);
    expect(rows).toHaveLength(summary.link + summary.review);
    expect(new Set(rows.map((r) => r.id_right)).size).toBe(rows.length);
    const correct = rows.filter((r) => g.truth.get(r.id_left!) === r.id_right).length;
    expect(correct / rows.length).toBeGreaterThanOrEqual(0.99);
    expect(correct / g.truth.size).toBeGreaterThanOrEqual(0.95);
    for (const r of rows) {
      expect(["link", "review"]).toContain(r.band);
      // Below the review threshold only a pair the matcher holds on purpose (the same name and nothing
      // confirming it: never "new" without a person looking), and it says so.
      if (Number(r.score) < 0.5) {
        expect(r.band).toBe("review");
        expect(r.reasons).toMatch(/same name.*held for review/);
      }
      expect(r.reasons).not.toBe("");
    }
  });

  it("says which --field or column is wrong", async () => {
    expect(() => parseFieldMapping(["colour=Red"])).toThrow(/unknown field "colour"/);
    expect(() => parseFieldMapping(["name"])).toThrow(/expected field=Column/);
    const f = join(dir, "bad.csv");
    writeFileSync(f, "Ref,Company\n1,Acme\n");
    await expect(runMatch({ left: f, right: f, out: join(dir, "x.csv"), progress: false })).rejects.toThrow(
      /no id column/,
    );
    await expect(
      runMatch({ left: f, right: f, out: join(dir, "x.csv"), fields: { id: "Nope" }, progress: false }),
    ).rejects.toThrow(/--field id=Nope names no column/);
    writeFileSync(f, "id,name\n1,Acme\n,Beta\n");
    await expect(runMatch({ left: f, right: f, out: join(dir, "x.csv"), progress: false })).rejects.toThrow(
      /row 3: empty id/,
    );
  });
});

describe("ledgerlink dedupe (runDedupe)", () => {
  it("writes every input id once, with labelled duplicates sharing a cluster", async () => {
    const g = generateSyntheticDuplicates({ entities: 1500, seed: 4 });
    const input = join(dir, "customers.csv");
    const out = join(dir, "clusters.csv");
    writeRecords(input, g.records);
    const summary = await runDedupe({ input, out, fields: parseFieldMapping(mapping), progress: false });
    const rows = parse(readFileSync(out), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(["id", "cluster_id", "score"]);
    expect(rows.map((r) => r.id)).toEqual(g.records.map((r) => r.id));
    expect(summary.records).toBe(g.records.length);
    let together = 0;
    let wrong = 0;
    const clusterOf = new Map(rows.map((r) => [r.id!, r.cluster_id!]));
    for (const r of rows) {
      if (r.cluster_id === r.id) continue;
      if (g.entityOf.get(r.id!) === g.entityOf.get(r.cluster_id!)) together++;
      else wrong++;
    }
    expect(together).toBeGreaterThan(100);
    expect(wrong / (together + wrong)).toBeLessThanOrEqual(0.01);
    for (const r of rows)
      if (r.cluster_id === r.id && [...clusterOf.values()].filter((c) => c === r.id).length === 1)
        expect(r.score).toBe("");
  });
});
