/**
 * The config file `ledgerlink init` writes: every setting, commented, with what it does. A line
 * `# KEY=value` shows the default (config-template.test.ts checks each against the server's schema);
 * `# KEY=` has no default. Lines the user set with flags are written uncommented.
 */
export const configTemplateSections: { key: string; default?: string; help: string[] }[] = [
  {
    key: "DATABASE_URL",
    default: "sqlite:./data/ledgerlink.db",
    help: ["Where Ledgerlink keeps its data: sqlite:<file> (embedded) or postgres://user:password@host/db."],
  },
  {
    key: "LEDGERLINK_COMPANY",
    default: "demo",
    help: ["The company the CLI and server work on (letters, digits, - and _)."],
  },
  {
    key: "QBO_ENVIRONMENT",
    default: "emulator",
    help: ["Which QuickBooks: emulator (offline, `ledgerlink emulator`), sandbox or production."],
  },
  {
    key: "QBO_BASE_URL",
    help: ["Overrides the QuickBooks API host (the emulator's URL, e.g. http://127.0.0.1:4010)."],
  },
  {
    key: "QBO_REALM_ID",
    help: ["The QuickBooks company id (set by `ledgerlink connect`; only needed to pin one)."],
  },
  { key: "QBO_CLIENT_ID", help: ["Your Intuit app's keys: required for sandbox and production."] },
  { key: "QBO_CLIENT_SECRET", help: ["Keep this file private (init writes it readable by you only)."] },
  {
    key: "QBO_REDIRECT_URI",
    help: [
      "The redirect registered with Intuit; a loopback one (http://localhost:8765/callback) lets",
      "`ledgerlink connect` catch it.",
    ],
  },
  {
    key: "QBO_WEBHOOK_VERIFIER_TOKEN",
    help: ["The verifier token of your Intuit app's webhooks (at least 16 characters)."],
  },
  {
    key: "QBO_SHARED_REALMS",
    help: [
      "Comma-separated QuickBooks realm ids that may be connected to more than one company here",
      "(each realm serves one company otherwise): only when both really keep their books in it.",
    ],
  },
  {
    key: "LEDGERLINK_TOKEN_KEY",
    help: [
      "32 random bytes in base64 (openssl rand -base64 32) that seal QuickBooks tokens at rest;",
      "without it a key file is used.",
    ],
  },
  {
    key: "LEDGERLINK_TOKEN_KEYS_RETIRED",
    help: [
      "Comma-separated keys that sealed tokens before the current one: still opened, never used to seal,",
      "so a key can be rotated without reconnecting; `ledgerlink reseal` then moves everything to the",
      "current key (see SECURITY.md).",
    ],
  },
  {
    key: "LEDGERLINK_KEY_FILE",
    default: "./data/token.key",
    help: ["The key file used when LEDGERLINK_TOKEN_KEY is not set (created 0600 if missing)."],
  },
  {
    key: "PORT",
    default: "3000",
    help: ["`ledgerlink serve`: the port and interface of the HTTP API and console."],
  },
  { key: "HOST", default: "127.0.0.1", help: [] },
  {
    key: "LEDGERLINK_PUBLIC_URL",
    help: ["The URL people reach the console at (default http://localhost:PORT)."],
  },
  {
    key: "EMULATOR_PORT",
    default: "4010",
    help: ["The port `ledgerlink demo` runs the QuickBooks emulator on."],
  },
  { key: "LOG_LEVEL", default: "info", help: ["fatal, error, warn, info, debug, trace or silent."] },
  {
    key: "SMTP_URL",
    help: [
      "Post-sync reports: the mail server (smtp://user:password@host:587); without it they",
      "are written to REPORT_DIR.",
    ],
  },
  {
    key: "REPORT_FROM",
    help: ['The sender of reports, e.g. "Ledgerlink <sync@example.com>" (required with SMTP_URL).'],
  },
  {
    key: "REPORT_RECIPIENTS",
    default: "",
    help: ["Comma-separated addresses that get each report (unless the company lists its own)."],
  },
  {
    key: "REPORT_DIR",
    default: "./data/reports",
    help: ["Where reports are written when they are not emailed."],
  },
];

/** The file's text: every setting commented out except those in `set`. */
export function renderConfigTemplate(set: Record<string, string>): string {
  const lines = [
    "# Ledgerlink configuration, read by every `ledgerlink` verb (and `ledgerlink serve`).",
    "# Lines of KEY=value, named as the environment variables. Precedence: command-line flags, then",
    "# the environment, then this file. Uncomment a line to change it; `# KEY=value` shows the default.",
    "",
  ];
  for (const s of configTemplateSections) {
    for (const h of s.help) lines.push(`# ${h}`);
    const v = set[s.key];
    lines.push(v !== undefined ? `${s.key}=${quote(v)}` : `# ${s.key}=${s.default ?? ""}`, "");
  }
  return lines.join("\n");
}

const quote = (v: string): string => (/[\s#"']/.test(v) ? `"${v.replace(/"/g, "")}"` : v);
