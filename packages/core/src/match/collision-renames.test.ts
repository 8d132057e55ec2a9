import { describe, expect, it } from "vitest";
import { displayNameKey, proposeCollisionRenames } from "./collision-renames.js";

describe("proposeCollisionRenames", () => {
  it("offers middle initial, street address and the first free number", () => {
    const taken = ["John Smith", "john  smith 2", "Acme Vendor"];
    const proposals = proposeCollisionRenames(
      {
        name: "John Smith",
        givenName: "John",
        middleName: "quincy",
        familyName: "Smith",
        street: "12 Oak St",
      },
      taken,
    );
    expect(proposals).toEqual([
      { kind: "middle-initial", name: "John Q. Smith" },
      { kind: "street-address", name: "John Smith - 12 Oak St" },
      { kind: "number", name: "John Smith 3" },
    ]);
  });

  it("stays unique case- and space-insensitively, without ':' tab or newline, within the length limit", () => {
    const long = "A".repeat(120);
    const proposals = proposeCollisionRenames({ name: `Acme:Plumbing`, street: "1 Main\tSt\n" }, [
      "ACME PLUMBING - 1 MAIN ST",
    ]);
    expect(proposals.map((p) => p.kind)).toEqual(["number"]);
    expect(proposals[0]!.name).toBe("Acme Plumbing 2");
    for (const p of proposeCollisionRenames({ name: long, street: "1 Main St" }, [long])) {
      expect(p.name.length).toBeLessThanOrEqual(100);
      expect(p.name).not.toMatch(/[:\t\n]/);
    }
    expect(displayNameKey("  Acme   Plumbing ")).toBe("acme plumbing");
  });
});
