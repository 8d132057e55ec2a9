import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config.js";

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
};

describe("report settings in the configuration", () => {
  it("defaults to writing reports under ./data/reports, with no recipients", () => {
    expect(loadConfig({}).reports).toEqual({
      smtpUrl: undefined,
      from: undefined,
      recipients: [],
      dir: "./data/reports",
    });
  });

  it("reads the mail server, sender, recipients and directory", () => {
    const c = loadConfig({
      SMTP_URL: "smtps://reports:pw@mail.example.com:465",
      REPORT_FROM: "Ledgerlink <sync@acme.example>",
      REPORT_RECIPIENTS: " office@acme.example; books@acme.example ,",
      REPORT_DIR: "/var/lib/ledgerlink/reports",
    });
    expect(c.reports).toEqual({
      smtpUrl: "smtps://reports:pw@mail.example.com:465",
      from: "Ledgerlink <sync@acme.example>",
      recipients: ["office@acme.example", "books@acme.example"],
      dir: "/var/lib/ledgerlink/reports",
    });
  });

  it("lists every problem at once, and never repeats the mail server's password", () => {
    const problems = problemsOf({
      SMTP_URL: "https://reports:hunter2-secret@mail.example.com",
      REPORT_RECIPIENTS: "office@acme.example, not-an-address",
      REPORT_FROM: "Ledgerlink <nope>",
    });
    expect(problems).toEqual([
      expect.stringMatching(/^SMTP_URL: must be smtp:\/\//),
      'REPORT_RECIPIENTS: "not-an-address" is not an email address',
      expect.stringMatching(/^REPORT_FROM: /),
    ]);
    expect(problems.join("\n")).not.toContain("hunter2-secret");
  });

  it("requires REPORT_FROM once SMTP_URL is set", () => {
    expect(problemsOf({ SMTP_URL: "smtp://mail.example.com" })).toEqual([
      "REPORT_FROM: required when SMTP_URL is set (the sender of post-sync reports)",
    ]);
  });
});
