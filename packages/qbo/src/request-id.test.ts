import { describe, expect, it } from "vitest";
import { QboInputError } from "./qbo-error.js";
import { requestIdFor } from "./request-id.js";

const id = { companyId: "co1", operation: "create", entity: "Customer", recordId: "C:1042", generation: 0 };

describe("requestIdFor", () => {
  it("is stable for one identity and fits inside a batch (≤ 36 chars)", () => {
    expect(requestIdFor(id)).toBe(requestIdFor({ ...id }));
    expect(requestIdFor(id)).toHaveLength(36);
    expect(requestIdFor(id)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("changes with every part of the identity, the generation included", () => {
    const all = new Set([
      requestIdFor(id),
      requestIdFor({ ...id, generation: 1 }),
      requestIdFor({ ...id, operation: "update" }),
      requestIdFor({ ...id, recordId: "C:1043" }),
      requestIdFor({ ...id, companyId: "co2" }),
      requestIdFor({ ...id, entity: "Vendor" }),
    ]);
    expect(all.size).toBe(6);
  });

  it("does not let parts run into each other", () => {
    expect(requestIdFor({ ...id, companyId: "a", recordId: "b:c" })).not.toBe(
      requestIdFor({ ...id, companyId: "a:b", recordId: "c" }),
    );
  });

  it("refuses a missing part or a bad generation, naming it", () => {
    expect(() => requestIdFor({ ...id, recordId: "" })).toThrow(QboInputError);
    expect(() => requestIdFor({ ...id, generation: -1 })).toThrow(/generation/);
  });
});
