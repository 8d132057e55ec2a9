import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./audit-production.mjs", import.meta.url));

/** Runs the audit script on a saved `npm audit --json` answer. */
function judge(report: unknown, env: Record<string, string> = {}) {
  const file = join(mkdtempSync(join(tmpdir(), "ledgerlink-audit-")), "audit.json");
  writeFileSync(file, JSON.stringify(report));
  return new Promise<{ code: number; out: string }>((resolve) =>
    execFile(
      process.execPath,
      [script, "--report", file],
      { env: { ...process.env, ...env } },
      (err, stdout) => resolve({ code: err === null ? 0 : Number(err.code), out: stdout }),
    ),
  );
}

const metadata = (high: number, critical: number) => ({
  vulnerabilities: { info: 0, low: 1, moderate: 0, high, critical, total: 1 + high + critical },
  dependencies: { prod: 103, dev: 400, optional: 0, peer: 0, peerOptional: 0, total: 503 },
});
const advisory = (name: string, severity: string) => ({
  name,
  severity,
  isDirect: false,
  via: [
    {
      source: 1,
      name,
      dependency: name,
      title: `${name} does something bad`,
      url: `https://github.com/advisories/GHSA-${name}`,
      severity,
      range: "<2.0.0",
    },
  ],
  effects: [],
  range: "<2.0.0",
  nodes: [`node_modules/${name}`],
  fixAvailable: true,
});

describe("npm run audit", () => {
  it("fails on a high or critical advisory in a production dependency, naming it", async () => {
    const r = await judge({
      auditReportVersion: 2,
      vulnerabilities: { "some-lib": advisory("some-lib", "high"), "tiny-lib": advisory("tiny-lib", "low") },
      metadata: metadata(1, 0),
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "HIGH some-lib <2.0.0: some-lib does something bad (https://github.com/advisories/GHSA-some-lib)",
    );
    expect(r.out).not.toContain("tiny-lib does");
    expect(r.out).toContain("0 critical, 1 high, 0 moderate, 1 low across 103 production packages");
  });

  it("passes when there is nothing high or critical", async () => {
    const r = await judge({
      auditReportVersion: 2,
      vulnerabilities: { "tiny-lib": advisory("tiny-lib", "low") },
      metadata: metadata(0, 0),
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain("0 critical, 0 high");
  });

  it("says plainly there is no result when the advisory service cannot be asked, and fails if one is required", async () => {
    const refused = {
      message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
      statusCode: 405,
      error: { summary: "", detail: "" },
    };
    const r = await judge(refused);
    expect(r.code).toBe(0);
    expect(r.out).toContain("NO audit result");
    expect(r.out).toContain("405 Method Not Allowed");
    expect((await judge(refused, { LEDGERLINK_AUDIT_REQUIRED: "1" })).code).toBe(1);
  });
});
