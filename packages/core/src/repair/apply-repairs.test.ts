import { describe, expect, it } from "vitest";
import { blockedRefs } from "../validate/finding.js";
import { resolvePolicy } from "../validate/policy.js";
import { showcaseRecords, showcaseSnapshot } from "../validate/rule-showcase.js";
import { validate } from "../validate/validate.js";
import { applyRepairs, repairAuditEntry } from "./apply-repairs.js";
import { validateAndRepair } from "./validate-and-repair.js";

const allowAll = resolvePolicy({ autoRepair: { reactivateInactive: true } });

describe("applyRepairs", () => {
  it("applies each safe fix the policy allows, says what changed, and never mutates its input", () => {
    const records = showcaseRecords();
    const before = JSON.stringify(records.customers);
    const findings = validate(records, showcaseSnapshot(), allowAll);
    const { records: repaired, repairs } = applyRepairs(records, findings, allowAll);
    expect(JSON.stringify(records.customers)).toBe(before);

    const byRef = (ref: string) => repairs.filter((r) => r.ref === ref);
    expect(byRef("C:colon")).toEqual([
      expect.objectContaining({
        action: "replace-characters",
        field: "displayName",
        before: "Smith: Kitchen",
        after: "Smith - Kitchen",
      }),
    ]);
    expect(byRef("C:spaces")[0]).toMatchObject({ action: "trim-spaces", after: "Jones Bakery" });
    expect(byRef("INV:longnum")[0]).toMatchObject({
      action: "shorten-docnumber",
      before: "ACME-SERVICES-2025-000123",
    });
    expect(byRef("INV:rounding")[0]).toMatchObject({
      action: "fix-amount",
      field: "lines[0].amount",
      before: 99,
      after: 100,
    });
    expect(byRef("ITEM:gadget")[0]).toMatchObject({
      action: "map-item",
      qbo: { entity: "Item", qboId: "12" },
    });
    expect(byRef("ITEM:hidden-sub")[0]).toMatchObject({ action: "map-account", after: "Income:Services" });
    // Customer 4 is needed by C:under-dormant (its parent) and INV:to-dormant: reactivated once.
    expect(repairs.filter((r) => r.action === "reactivate" && r.qbo?.qboId === "4")).toEqual([
      expect.objectContaining({ ref: "C:under-dormant", qbo: { entity: "Customer", qboId: "4" } }),
    ]);

    expect(repaired.customers!.find((c) => c.id === "colon")!.displayName).toBe("Smith - Kitchen");
    expect(repaired.links!.items!.get("gadget")).toBe("12");
    expect(repaired.reactivations).toContainEqual({ entity: "Customer", qboId: "4" });
    // The same QBO object is reactivated once, however many records need it.
    expect(repairs.filter((r) => r.action === "reactivate" && r.qbo?.qboId === "11")).toHaveLength(1);
    // Nothing that needs a person is touched.
    for (const ref of ["C:handmade", "INV:dup-inv", "INV:closed", "PMT:dup-pay", "INV:mismatch"])
      expect(byRef(ref)).toEqual([]);
  });

  it("applies nothing the policy does not allow", () => {
    const none = resolvePolicy({
      autoRepair: {
        trimSpaces: false,
        replaceCharacters: false,
        shortenDocNumbers: false,
        reactivateInactive: false,
        mapItems: false,
        mapAccounts: false,
        letQboNumber: false,
        fixRounding: false,
      },
    });
    const records = showcaseRecords();
    const result = applyRepairs(records, validate(records, showcaseSnapshot(), none), none);
    expect(result.repairs).toEqual([]);
    expect(result.records.customers).toBe(records.customers);
  });

  it("turns a repair into an audit-log entry", () => {
    const entry = repairAuditEntry({
      ref: "INV:9",
      action: "shorten-docnumber",
      rule: "document.docnumber-length",
      summary: "Shortened",
      field: "docNumber",
      before: "A".repeat(25),
      after: "XXXX-AAAAAAAAAAAAAAAA",
    });
    expect(entry).toEqual({
      ref: "INV:9",
      action: "auto-repair:shorten-docnumber",
      actor: "ledgerlink",
      detail: {
        rule: "document.docnumber-length",
        summary: "Shortened",
        field: "docNumber",
        before: "A".repeat(25),
        after: "XXXX-AAAAAAAAAAAAAAAA",
      },
    });
  });
});

describe("validateAndRepair", () => {
  it("repairs what is safe, re-validates, and leaves only what needs a person", () => {
    const { records, repairs, findings } = validateAndRepair(showcaseRecords(), showcaseSnapshot(), allowAll);
    const blocked = blockedRefs(findings);
    for (const ref of [
      "C:colon",
      "C:curly",
      "C:spaces",
      "ITEM:gadget",
      "ITEM:hidden-sub",
      "ITEM:dead-account",
      "ITEM:item-colon",
      "INV:longnum",
      "INV:rounding",
      "INV:inactive-item",
      "INV:to-dormant",
      "C:under-dormant",
    ])
      expect(blocked.has(ref as never), ref).toBe(false);
    for (const ref of [
      "C:handmade",
      "C:handmade-site",
      "C:long",
      "C:vendor-name",
      "INV:dup-inv",
      "INV:same-doc",
      "INV:closed",
      "INV:mismatch",
      "PMT:dup-pay",
      "INV:via-gizmo",
    ])
      expect(blocked.has(ref as never), ref).toBe(true);
    // Every remaining finding is one no safe, allowed fix exists for.
    const again = validateAndRepair(records, showcaseSnapshot(), allowAll);
    expect(again.repairs).toEqual([]);
    expect(repairs.length).toBeGreaterThan(10);
  });

  it("with the default policy leaves inactive QBO records for a person to reactivate", () => {
    const { findings } = validateAndRepair(showcaseRecords(), showcaseSnapshot());
    expect(blockedRefs(findings).has("INV:to-dormant")).toBe(true);
  });
});
