import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";

export type { Logger } from "pino";

/**
 * Field paths whose values are secrets wherever they appear in a log object (top level, one or two
 * levels down: `req.headers.authorization`, `config.qbo.clientSecret`…). pino's redaction replaces the
 * value; it never reaches the stream.
 */
const secretKeys = [
  "authorization",
  "Authorization",
  "cookie",
  "Cookie",
  "set-cookie",
  "x-csrf-token",
  "password",
  "passwordHash",
  "password_hash",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "idToken",
  "id_token",
  "clientSecret",
  "client_secret",
  "secret",
  "apiKey",
  "api_key",
  "key",
  "tokenKey",
  "smtpUrl",
  "SMTP_URL",
  "verifierToken",
  "webhookVerifierToken",
  "code_verifier",
  "codeVerifier",
  "sessionToken",
  "csrfToken",
];

export const redactedPaths: string[] = secretKeys.flatMap((k) => {
  const seg = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dot = seg.startsWith("[") ? "" : ".";
  return [seg, `*${dot}${seg}`, `*.*${dot}${seg}`];
});

export const redactedText = "[redacted]";

/**
 * Secrets that hide inside free text (an error message quoting a header, a URL with credentials):
 * bearer tokens, Ledgerlink API keys and session tokens, `user:password@` in any URL, and
 * `password=`/`secret=`-style pairs. Applied to every string a log line carries.
 */
const textSecrets: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${redactedText}`],
  [/\bllk_[A-Za-z0-9_-]+/g, `llk_${redactedText}`],
  [/\blls_[A-Za-z0-9_-]+/g, `lls_${redactedText}`],
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s@/]*)@/gi, `$1$2:${redactedText}@`],
  [
    /\b(password|passwd|secret|client_secret|access_token|refresh_token|api_key|token)(["']?\s*[:=]\s*["']?)[^\s"'&,;]+/gi,
    `$1$2${redactedText}`,
  ],
];

/** `text` with every secret-looking part replaced (for logs, error bodies and reports alike). */
export function redactText(text: string): string {
  let out = text;
  for (const [re, replacement] of textSecrets) out = out.replace(re, replacement);
  return out;
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactText(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return errorRecord(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

function errorRecord(err: Error): Record<string, unknown> {
  return {
    type: err.name,
    message: redactText(err.message),
    ...(err.stack === undefined ? {} : { stack: redactText(err.stack) }),
  };
}

export interface LoggerSettings {
  level?: LoggerOptions["level"];
  /** Where lines go (stdout when absent); tests pass a stream they read back. */
  destination?: DestinationStream;
}

/**
 * A JSON logger whose output never carries a secret: known secret fields are redacted by path, every
 * string (messages, error messages and stacks included) is scrubbed of bearer tokens, API keys and
 * URL credentials.
 */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? "info",
    base: { service: "ledgerlink" },
    redact: { paths: redactedPaths, censor: redactedText },
    serializers: { err: (e: unknown) => (e instanceof Error ? errorRecord(e) : scrub(e, 0)) },
    formatters: { log: (object) => scrub(object, 0) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === "string" ? redactText(a) : a)) as typeof args;
        method.apply(this, scrubbed);
      },
    },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

function defaultLevel(): LoggerOptions["level"] {
  const v = process.env.LOG_LEVEL;
  return v && ["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(v) ? v : "info";
}

/** The process's logger (stdout, LOG_LEVEL); the server and its jobs log through it or a child of it. */
export const logger: Logger = createLogger({ level: defaultLevel() });

/** A logger whose lines carry the company (and run) they are about. */
export function companyLogger(base: Logger, context: { companyId: string; runId?: string }): Logger {
  return base.child(
    context.runId === undefined
      ? { companyId: context.companyId }
      : { companyId: context.companyId, runId: context.runId },
  );
}
