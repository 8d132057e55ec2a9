import { describe, expect, it } from "vitest";
import type { Customer } from "../customer.js";
import { showcaseSnapshot } from "./rule-showcase.js";
import { validate } from "./validate.js";

const c = (id: string, parentId?: string): Customer =>
  parentId === undefined
    ? { id, displayName: `Customer ${id}`, active: true }
    : { id, parentId, displayName: `Customer ${id}`, active: true };
const ids = (findings: ReturnType<typeof validate>) => findings.map((f) => [f.ref, f.rule.id]);

describe("parent/child rules", () => {
  it("blocks a job whose parent is neither in the app nor linked, and its own jobs after it", () => {
    const findings = validate({ customers: [c("a", "missing"), c("b", "a")] }, showcaseSnapshot());
    expect(ids(findings)).toEqual([
      ["C:a", "customer.parent-missing"],
      ["C:b", "dependency.blocked"],
    ]);
    expect(findings[1]!.fixes[0]).toMatchObject({ action: "fix-dependency", params: { ref: "C:a" } });
  });

  it("accepts a parent sent in the same batch or already linked", () => {
    expect(validate({ customers: [c("b", "a"), c("a")] }, showcaseSnapshot())).toEqual([]);
    expect(
      validate({ customers: [c("b", "p")], links: { customers: new Map([["p", "1"]]) } }, showcaseSnapshot()),
    ).toEqual([]);
  });

  it("blocks a job under a linked parent that is inactive or gone in QBO", () => {
    const links = {
      customers: new Map([
        ["p", "4"],
        ["q", "999"],
      ]),
    };
    const findings = validate({ customers: [c("x", "p"), c("y", "q")], links }, showcaseSnapshot());
    expect(ids(findings)).toEqual([
      ["C:x", "customer.parent-inactive"],
      ["C:y", "customer.parent-missing"],
    ]);
    expect(findings[0]!.fixes[0]).toMatchObject({ action: "reactivate", safe: true, params: { qboId: "4" } });
  });

  it("allows 4 levels below the top and blocks the 5th, counting QBO's level of a linked parent", () => {
    const chain = [c("l0"), c("l1", "l0"), c("l2", "l1"), c("l3", "l2"), c("l4", "l3")];
    expect(validate({ customers: chain }, showcaseSnapshot())).toEqual([]);
    const findings = validate({ customers: [...chain, c("l5", "l4")] }, showcaseSnapshot());
    expect(ids(findings)).toEqual([["C:l5", "customer.depth"]]);
    // QBO customer 5 sits at level 1, so three more levels below it is the limit.
    const links = { customers: new Map([["top", "5"]]) };
    const under = [c("m2", "top"), c("m3", "m2"), c("m4", "m3"), c("m5", "m4")];
    expect(ids(validate({ customers: under, links }, showcaseSnapshot()))).toEqual([
      ["C:m5", "customer.depth"],
    ]);
  });

  it("blocks a cycle instead of looping", () => {
    const findings = validate({ customers: [c("a", "b"), c("b", "a")] }, showcaseSnapshot());
    expect(ids(findings)).toEqual([
      ["C:a", "customer.parent-cycle"],
      ["C:b", "customer.parent-cycle"],
    ]);
  });

  it("warns when a job is active under a parent the app made inactive", () => {
    const findings = validate({ customers: [{ ...c("a"), active: false }, c("b", "a")] }, showcaseSnapshot());
    expect(findings.map((f) => [f.ref, f.severity])).toEqual([["C:b", "warns"]]);
  });
});
