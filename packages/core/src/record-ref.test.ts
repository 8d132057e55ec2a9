import { describe, expect, it } from "vitest";
import { parseRecordRef, recordRef } from "./record-ref.js";

describe("record references", () => {
  it("formats and parses the references staff type", () => {
    expect(recordRef("customer", "1042")).toBe("C:1042");
    expect(parseRecordRef("c:1042")).toEqual({ kind: "customer", id: "1042" });
    expect(parseRecordRef(" INV : 77 ")).toEqual({ kind: "invoice", id: "77" });
    expect(parseRecordRef("Big Co")).toBeUndefined();
    expect(parseRecordRef("X:1")).toBeUndefined();
  });
});
