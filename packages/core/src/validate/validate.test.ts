import { describe, expect, it } from "vitest";
import { errorCategories } from "../error-category.js";
import { blockedRefs, type Finding } from "./finding.js";
import { qboRules } from "./qbo-rules.js";
import { showcaseRecords, showcaseSnapshot } from "./rule-showcase.js";
import { validate } from "./validate.js";

const rulesOf = (findings: readonly Finding[], ref: string): string[] =>
  findings.filter((f) => f.ref === ref).map((f) => f.rule.id);

describe("validate on the showcase company", () => {
  const findings = validate(showcaseRecords(), showcaseSnapshot());

  it("trips every rule that the showcase company's settings allow", () => {
    const seen = new Set(findings.map((f) => f.rule.id));
    // Numbering mode needs custom numbers off, the A/R rule a company without A/R: tested separately.
    const expected = Object.values(qboRules)
      .map((r) => r.id)
      .filter((id) => id !== qboRules.numberingMode.id && id !== qboRules.arAccount.id);
    expect(expected.filter((id) => !seen.has(id))).toEqual([]);
  });

  it("gives every finding a reference, a known category, a message, its QBO rule and at least one fix", () => {
    for (const f of findings) {
      expect(f.ref).toMatch(/^(C|ITEM|INV|CM|PMT):.+/);
      expect(errorCategories).toContain(f.category);
      expect(["blocks", "warns"]).toContain(f.severity);
      expect(f.message.length).toBeGreaterThan(20);
      expect(f.rule.source.length).toBeGreaterThan(5);
      expect(f.fixes.length).toBeGreaterThan(0);
      for (const x of f.fixes) expect(x.label.length).toBeGreaterThan(3);
    }
  });

  it("lets the clean records through and blocks the others", () => {
    const blocked = blockedRefs(findings);
    for (const ref of ["C:good", "C:acme", "ITEM:labor", "ITEM:good-item", "INV:good-inv", "INV:paid"])
      expect(blocked.has(ref as never), ref).toBe(false);
    expect(rulesOf(findings, "PMT:good-pay")).toEqual([qboRules.paymentApplication.id]); // a warning only
    expect(findings.find((f) => f.ref === "PMT:good-pay")!.severity).toBe("warns");
    for (const ref of ["C:colon", "C:handmade", "INV:longnum", "INV:closed", "PMT:dup-pay", "INV:via-gizmo"])
      expect(blocked.has(ref as never), ref).toBe(true);
  });

  it("is deterministic", () => {
    expect(validate(showcaseRecords(), showcaseSnapshot())).toEqual(findings);
  });

  it("does nothing with nothing", () => {
    expect(validate({}, showcaseSnapshot())).toEqual([]);
  });
});
