import { Help } from "commander";
import { describe, expect, it } from "vitest";
import { createFullProgram, createProgram, verbs } from "./program.js";

describe("the lazily loaded verbs", () => {
  // Loading every verb's module takes seconds on a busy machine.
  it(
    "list every verb as its module defines it: name, term and description, in order",
    { timeout: 30_000 },
    async () => {
      const full = await createFullProgram();
      const help = new Help();
      const real = full.commands.map((c) => ({
        name: c.name(),
        term: help.subcommandTerm(c),
        description: c.description(),
      }));
      expect(verbs.map(({ name, term, description }) => ({ name, term, description }))).toEqual(real);
      const stand = createProgram().commands.map((c) => c.name());
      expect(stand).toEqual([...real.map((c) => c.name), "help"]);
    },
  );

  it("show the same root --help as the fully loaded program", { timeout: 30_000 }, async () => {
    const text = async (program: Promise<ReturnType<typeof createProgram>>) => {
      let out = "";
      (await program).configureOutput({ writeOut: (s) => (out += s) }).outputHelp();
      return out;
    };
    expect(await text(Promise.resolve(createProgram()))).toBe(await text(createFullProgram()));
  });
});
