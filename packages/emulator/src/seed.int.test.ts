import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createEmulator, demoCompanySeed, loadSeedFile } from "@ledgerlink/emulator";

describe("seeding from a JSON file", () => {
  it("loads companies from a file, creating realms it names", () => {
    const dir = mkdtempSync(join(tmpdir(), "emulator-seed-"));
    const file = join(dir, "seed.json");
    writeFileSync(
      file,
      JSON.stringify({
        realms: [
          {
            realmId: "123456789",
            companyName: "From File LLC",
            entities: { Customer: [{ DisplayName: "Filed Customer" }] },
          },
          ...demoCompanySeed.realms,
        ],
      }),
    );
    const emu = createEmulator({ seed: loadSeedFile(file) });
    expect(emu.realmIds()).toEqual(expect.arrayContaining([emu.defaultRealmId, "123456789"]));
    expect(
      emu
        .realm("123456789")
        .list("Customer")
        .map((c) => c["DisplayName"]),
    ).toEqual(["Filed Customer"]);
    expect(emu.realm(emu.defaultRealmId).get("Customer", "200")?.["DisplayName"]).toBe("Big Duplicating Co.");
  });

  it("names the record a seed cannot create, and refuses unknown entities", () => {
    const dir = mkdtempSync(join(tmpdir(), "emulator-seed-"));
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ realms: [{ entities: { Customer: [{ DisplayName: "A:B" }] } }] }));
    expect(() => createEmulator({ seed: loadSeedFile(bad) })).toThrow(/Customer\[0\].*2040/);
    const unknown = join(dir, "unknown.json");
    writeFileSync(unknown, JSON.stringify({ realms: [{ entities: { Widget: [] } }] }));
    expect(() => loadSeedFile(unknown)).toThrow(/Widget is not an entity/);
  });
});
