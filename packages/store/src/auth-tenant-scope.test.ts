import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Tenant isolation in the store layer, checked over the source: every query that reads, changes or
 * deletes rows of a table whose rows belong to a company names `company_id` (or the company id) in the
 * same statement. The tenant-isolation HTTP test proves the endpoints; this catches a new store query
 * that forgot the filter before any endpoint uses it.
 */
const here = dirname(fileURLToPath(import.meta.url));

/** Tables whose row type has a non-null `company_id` (read from schema.ts). */
function companyTables(): Set<string> {
  const schema = readFileSync(join(here, "schema.ts"), "utf8");
  const scopedInterfaces = new Set<string>();
  for (const m of schema.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g))
    if (/\n\s*company_id: string;/.test(m[2]!)) scopedInterfaces.add(m[1]!);
  const db = /export interface Database \{([\s\S]*?)\n\}/.exec(schema)![1]!;
  const tables = new Set<string>();
  for (const m of db.matchAll(/(\w+): (\w+);/g)) if (scopedInterfaces.has(m[2]!)) tables.add(m[1]!);
  return tables;
}

/** Same-statement text: from the query's start to the end of its chain (`execute…` or a blank line). */
function statementAt(lines: string[], i: number): string {
  const out: string[] = [];
  for (let j = i; j < Math.min(lines.length, i + 40); j++) {
    out.push(lines[j]!);
    if (/\.execute(TakeFirst(OrThrow)?)?\(\)/.test(lines[j]!) || (j > i && lines[j]!.trim() === "")) break;
  }
  return out.join("\n");
}

/**
 * Tables reached by a key that is itself a capability issued to one holder, never by a company id
 * from a request: each entry says why that is safe. Anything else must filter by company.
 */
const keyedByCapability: Record<string, string> = {
  oauth_states: "found by the hash of an unguessable, single-use state; the row names its company",
  rate_slots: "released by the slot id or holder id issued to the process that holds it",
};

describe("store queries are scoped by company", () => {
  it("finds the company tables in the schema", () => {
    const tables = companyTables();
    for (const t of ["records", "links", "sync_runs", "sync_errors", "audit_events", "qbo_objects"])
      expect(tables).toContain(t);
    expect(tables).not.toContain("api_keys");
  });

  it("every select, update and delete on a company table filters by company", () => {
    const tables = companyTables();
    const unscoped: string[] = [];
    let checked = 0;
    for (const file of readdirSync(here).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
      const lines = readFileSync(join(here, file), "utf8").split("\n");
      lines.forEach((line, i) => {
        const m = /(selectFrom|updateTable|deleteFrom)\(\s*"(\w+)(?: as (\w+))?"/.exec(line);
        if (!m || !tables.has(m[2]!) || m[2]! in keyedByCapability) return;
        checked++;
        const statement = statementAt(lines, i);
        // A correlated sub-select joined on a scoped row's own key is scoped through it.
        const correlated =
          /whereRef\(/.test(statement) &&
          /\bexists\(|\(\{ *not, *exists/.test(lines.slice(Math.max(0, i - 3), i + 1).join("\n"));
        if (!/company_id|companyId/.test(statement) && !correlated)
          unscoped.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(checked).toBeGreaterThan(50);
    expect(unscoped).toEqual([]);
  });
});
