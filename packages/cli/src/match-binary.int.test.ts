import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

describe("ledgerlink match and dedupe, as a subprocess", () => {
  it("pairs the same business spelled differently and leaves a different one unpaired", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ledgerlink-match-"));
    // Most of a business's customers exist on both sides; the weights are learnt from them.
    const filler = (prefix: string, n: number) =>
      Array.from(
        { length: n },
        (_, i) =>
          `${prefix}${i},${["Acme", "Birch", "Cedar", "Delta", "Elm"][i % 5]} Services ${i * 7919} LLC,(312) 555-${String(1000 + i)}`,
      ).join("\n");
    writeFileSync(
      join(dir, "app.csv"),
      `Id,Company,Phone\nA1,Big Duplicating Co.,(217) 555-0142\nA2,O'Brien & Sons Plumbing,217-555-0199\n${filler("AF", 300)}\n`,
    );
    writeFileSync(
      join(dir, "qbo.csv"),
      `Id,Company,Phone\nQ1,Big  Duplicating Company Inc,+1 217 555 0142\nQ2,Zephyr Roofing LLC,312-555-0100\n${filler("QF", 300)}\n`,
    );
    const out = join(dir, "pairs.csv");
    const { stdout, stderr } = await run(process.execPath, [
      bin,
      "match",
      "--left",
      join(dir, "app.csv"),
      "--right",
      join(dir, "qbo.csv"),
      "--field",
      "id=Id",
      "--field",
      "company=Company",
      "--field",
      "phone=Phone",
      "--out",
      out,
    ]);
    expect(stderr).not.toContain("\u001b["); // no control characters when not on a terminal
    expect(stdout).not.toBe("");
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("id_left,id_right,score,band,reasons");
    const a1 = lines.find((l) => l.startsWith("A1,"));
    expect(a1).toMatch(/^A1,Q1,[0-9.]+,(link|review),/);
    expect(lines.some((l) => l.startsWith("A2,"))).toBe(false);
  });

  it("exits 2 and names the problem for a missing column", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ledgerlink-match-"));
    writeFileSync(join(dir, "a.csv"), "Id,Name\n1,A\n");
    const err = await run(process.execPath, [
      bin,
      "dedupe",
      "--in",
      join(dir, "a.csv"),
      "--field",
      "id=Id",
      "--field",
      "name=Nom",
      "--out",
      join(dir, "c.csv"),
    ]).catch((e: unknown) => e as { code: number; stderr: string });
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toContain("Nom");
  });
});
