import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError, configKeys, loadConfig, type Config } from "@ledgerlink/server";

/** The config file `ledgerlink init` writes and every verb reads when it is in the working directory. */
export const defaultConfigFile = "ledgerlink.env";

/** The flags every verb that opens the store accepts; each overrides one setting. */
export interface ConfigFlags {
  config?: string;
  database?: string;
  company?: string;
}

const flagKeys = { database: "DATABASE_URL", company: "LEDGERLINK_COMPANY" } as const;

/**
 * Parses a config file: `KEY=value` lines with the setting names of the environment, `#` comments and
 * blank lines; a value may be quoted. Every bad line is a problem naming the file and line.
 */
export function parseConfigFile(
  text: string,
  file: string,
): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  const known = new Set<string>(configKeys);
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (m === null) {
      problems.push(`${file} line ${i + 1}: expected KEY=value, got "${line}"`);
      return;
    }
    const key = m[1]!;
    let value = m[2]!;
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    if (!known.has(key)) problems.push(`${file} line ${i + 1}: unknown setting ${key}`);
    else values[key] = value;
  });
  return { values, problems };
}

/**
 * The configuration of one CLI run, from (highest first) flags, the environment and the config file
 * (`--config`, else LEDGERLINK_CONFIG, else ./ledgerlink.env when present), validated by the server's
 * schema. Every problem — unreadable lines, unknown settings, bad values — is reported at once, each
 * naming where its value came from.
 */
export function loadCliConfig(
  flags: ConfigFlags,
  env: Record<string, string | undefined> = process.env,
): Config {
  const explicit = flags.config ?? env["LEDGERLINK_CONFIG"];
  const file = explicit ?? (existsSync(defaultConfigFile) ? defaultConfigFile : undefined);
  const problems: string[] = [];
  let fromFile: Record<string, string> = {};
  if (file !== undefined) {
    if (!existsSync(file)) throw new ConfigError([`config file ${resolve(file)} does not exist`]);
    const parsed = parseConfigFile(readFileSync(file, "utf8"), file);
    fromFile = parsed.values;
    problems.push(...parsed.problems);
  }
  const fromFlags: Record<string, string> = {};
  for (const [flag, key] of Object.entries(flagKeys)) {
    const v = flags[flag as keyof typeof flagKeys];
    if (v !== undefined) fromFlags[key] = v;
  }
  const source = (key: string): string =>
    key in fromFlags
      ? `--${Object.entries(flagKeys).find(([, k]) => k === key)![0]}`
      : env[key] !== undefined
        ? "the environment"
        : key in fromFile
          ? file!
          : "the default";
  const merged = { ...fromFile, ...definedOnly(env), ...fromFlags };
  let config: Config | undefined;
  try {
    config = loadConfig(merged);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) {
      const key = /^([A-Z_]+):/.exec(p)?.[1];
      problems.push(key === undefined ? p : `${p} (from ${source(key)})`);
    }
  }
  if (problems.length > 0 || config === undefined) throw new ConfigError(problems);
  return config;
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
