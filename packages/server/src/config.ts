import { z } from "zod";

/** One email address (what REPORT_RECIPIENTS and the recipients endpoint accept). */
export const emailAddress = z.email();

function isSmtpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === "smtp:" || u.protocol === "smtps:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/** `sync@example.com` or `Ledgerlink <sync@example.com>` (no line breaks: it becomes a mail header). */
function isMailbox(v: string): boolean {
  if (/[\r\n]/.test(v)) return false;
  const m = /^\s*(?:[^<>]*<\s*([^<>\s]+)\s*>|([^<>\s]+))\s*$/.exec(v);
  const address = m?.[1] ?? m?.[2];
  return address !== undefined && emailAddress.safeParse(address).success;
}

/** A setting holding a list (split on `separator`, blanks dropped); `problem` names a bad entry. */
function listSetting(separator: RegExp, problem: (entry: string, index: number) => string | undefined) {
  return z
    .string()
    .default("")
    .transform((v, ctx) => {
      const list = v
        .split(separator)
        .map((s) => s.trim())
        .filter((s) => s !== "");
      list.forEach((entry, i) => {
        const message = problem(entry, i);
        if (message !== undefined) ctx.addIssue({ code: "custom", message });
      });
      return list;
    });
}

/**
 * Every setting the server and CLI read from the environment, validated once at start-up. All problems
 * are reported together so an operator fixes them in one go.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .min(1)
    .default("sqlite:./data/ledgerlink.db")
    .describe("postgres://… for PostgreSQL, sqlite:<file> for the embedded default"),
  LEDGERLINK_COMPANY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only, at most 64")
    .default("demo"),
  QBO_ENVIRONMENT: z.enum(["emulator", "sandbox", "production"]).default("emulator"),
  QBO_BASE_URL: z.string().url().optional().describe("overrides the API host of QBO_ENVIRONMENT"),
  QBO_REALM_ID: z.string().regex(/^\d+$/, "QBO realm ids are digits").optional(),
  QBO_CLIENT_ID: z.string().min(1).optional(),
  QBO_CLIENT_SECRET: z.string().min(1).optional(),
  QBO_REDIRECT_URI: z.string().url().optional(),
  LEDGERLINK_PUBLIC_URL: z.string().url().optional().describe("the URL people reach the console at"),
  LEDGERLINK_TOKEN_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "32 random bytes in base64 (openssl rand -base64 32)")
    .optional(),
  LEDGERLINK_TOKEN_KEYS_RETIRED: listSetting(/,/, (k, i) =>
    // Never echo a value: these are keys.
    /^[A-Za-z0-9+/]{43}=$/.test(k) ? undefined : `key ${i + 1} is not 32 bytes in base64`,
  ).describe("comma-separated keys rotated out of LEDGERLINK_TOKEN_KEY: they still open what they sealed"),
  LEDGERLINK_KEY_FILE: z.string().min(1).default("./data/token.key"),
  QBO_SHARED_REALMS: listSetting(/,/, (realm) =>
    /^\d+$/.test(realm) ? undefined : `"${realm}" is not a realm id (digits)`,
  ).describe(
    "comma-separated QBO realm ids that may be connected to more than one company (each realm serves one company otherwise)",
  ),
  QBO_WEBHOOK_VERIFIER_TOKEN: z
    .string()
    .min(16)
    .optional()
    .describe("the verifier token of your Intuit app's webhooks"),
  EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SMTP_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || isSmtpUrl(v), {
      // Never echo the value: it usually holds the mail account's password.
      message: "must be smtp://[user:password@]host[:port] or smtps://…",
    })
    .describe(
      "the mail server post-sync reports are sent through; without it they are written to REPORT_DIR",
    ),
  REPORT_RECIPIENTS: listSetting(/[,;]/, (address) =>
    emailAddress.safeParse(address).success ? undefined : `"${address}" is not an email address`,
  ).describe(
    "comma-separated addresses that get each company's post-sync report (unless the company lists its own)",
  ),
  REPORT_FROM: z
    .string()
    .optional()
    .refine((v) => v === undefined || isMailbox(v), {
      message: 'an address, or a name and address: "Ledgerlink <sync@example.com>"',
    }),
  REPORT_DIR: z.string().min(1).default("./data/reports"),
});

export type Env = z.infer<typeof envSchema>;

/** Every setting's name, as the environment and `ledgerlink.env` spell it. */
export const configKeys = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  company: string;
  qbo: {
    environment: "emulator" | "sandbox" | "production";
    baseUrl: string;
    realmId: string | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
    redirectUri: string | undefined;
    webhookVerifierToken: string | undefined;
    /** Realms the operator lets serve more than one company; every other realm serves one. */
    sharedRealms: readonly string[];
  };
  /** Where people reach the console; the OAuth redirect URI is built from it unless QBO_REDIRECT_URI is set. */
  publicUrl: string;
  /** Key that seals OAuth tokens at rest (base64); without it a 0600 key file is used. */
  tokenKey: string | undefined;
  /** Keys rotated out: they open grants sealed before the rotation; everything new is sealed with `tokenKey`. */
  retiredTokenKeys?: string[];
  keyFile: string;
  emulatorPort: number;
  logLevel: Env["LOG_LEVEL"];
  /** Post-sync reports: emailed over SMTP when `smtpUrl` is set, written under `dir` otherwise. */
  reports: {
    /** Holds the mail account's credentials: never log it. */
    smtpUrl: string | undefined;
    from: string | undefined;
    recipients: string[];
    dir: string;
  };
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const apiHosts = {
  sandbox: "https://sandbox-quickbooks.api.intuit.com",
  production: "https://quickbooks.api.intuit.com",
} as const;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.QBO_ENVIRONMENT !== "emulator") {
    // A real QBO app cannot work without its keys; say so now rather than at the first sync.
    for (const key of ["QBO_CLIENT_ID", "QBO_CLIENT_SECRET", "QBO_REDIRECT_URI"] as const) {
      if (e[key] === undefined)
        problems.push(`${key}: required when QBO_ENVIRONMENT is ${e.QBO_ENVIRONMENT}`);
    }
  }
  if (e.SMTP_URL !== undefined && e.REPORT_FROM === undefined)
    problems.push("REPORT_FROM: required when SMTP_URL is set (the sender of post-sync reports)");
  if (problems.length > 0) throw new ConfigError(problems);
  const baseUrl =
    e.QBO_BASE_URL ??
    (e.QBO_ENVIRONMENT === "emulator" ? `http://127.0.0.1:${e.EMULATOR_PORT}` : apiHosts[e.QBO_ENVIRONMENT]);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    company: e.LEDGERLINK_COMPANY,
    qbo: {
      environment: e.QBO_ENVIRONMENT,
      baseUrl,
      realmId: e.QBO_REALM_ID,
      clientId: e.QBO_CLIENT_ID,
      clientSecret: e.QBO_CLIENT_SECRET,
      redirectUri: e.QBO_REDIRECT_URI,
      webhookVerifierToken: e.QBO_WEBHOOK_VERIFIER_TOKEN,
      sharedRealms: e.QBO_SHARED_REALMS,
    },
    publicUrl: (e.LEDGERLINK_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    tokenKey: e.LEDGERLINK_TOKEN_KEY,
    retiredTokenKeys: e.LEDGERLINK_TOKEN_KEYS_RETIRED,
    keyFile: e.LEDGERLINK_KEY_FILE,
    emulatorPort: e.EMULATOR_PORT,
    logLevel: e.LOG_LEVEL,
    reports: {
      smtpUrl: e.SMTP_URL,
      from: e.REPORT_FROM,
      recipients: e.REPORT_RECIPIENTS,
      dir: e.REPORT_DIR,
    },
  };
}
