import { configKeys, loadConfig } from "@ledgerlink/server";
import { describe, expect, it } from "vitest";
import { parseConfigFile } from "./cli-config.js";
import { configTemplateSections, renderConfigTemplate } from "./config-template.js";
import { createFullProgram } from "./program.js";

describe("the config file", () => {
  it("init's template covers every setting, and each default it shows is the server's default", () => {
    expect(configTemplateSections.map((s) => s.key).sort()).toEqual([...configKeys].sort());
    const text = renderConfigTemplate({});
    // Uncomment every `# KEY=value` line that shows a default: the result must change nothing.
    const defaults = text.replace(/^# ([A-Z_]+=.+)$/gm, "$1");
    const parsed = parseConfigFile(defaults, "ledgerlink.env");
    expect(parsed.problems).toEqual([]);
    expect(Object.keys(parsed.values).length).toBeGreaterThan(5);
    expect(loadConfig(parsed.values)).toEqual(loadConfig({}));
  });

  it("names the file and line of every bad line and unknown setting", () => {
    const parsed = parseConfigFile('# ok\nDATABASE_URL="sqlite:x.db"\nnot a setting\nPROT=3000\n', "my.env");
    expect(parsed.values).toEqual({ DATABASE_URL: "sqlite:x.db" });
    expect(parsed.problems).toEqual([
      'my.env line 3: expected KEY=value, got "not a setting"',
      "my.env line 4: unknown setting PROT",
    ]);
  });
});

describe("ledgerlink --help", () => {
  it("gives every verb an example", async () => {
    const program = await createFullProgram();
    const verbs = program.commands.flatMap((c) => (c.commands.length > 0 ? c.commands : [c]));
    for (const verb of verbs) {
      let text = "";
      verb.configureOutput({ writeOut: (s) => (text += s) });
      verb.outputHelp();
      expect(text, verb.name()).toMatch(/Examples?:\n {2}\$ \S/);
    }
  });
});
