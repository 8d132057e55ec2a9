import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("gives the embedded demo defaults with an empty environment", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: "sqlite:./data/ledgerlink.db",
      company: "demo",
      qbo: { environment: "emulator", baseUrl: "http://127.0.0.1:4010" },
    });
  });

  it("lists every problem at once", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", QBO_ENVIRONMENT: "staging", LEDGERLINK_COMPANY: "a b" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/QBO_ENVIRONMENT/);
    expect(problems).toMatch(/LEDGERLINK_COMPANY/);
  });

  it("requires the app's keys for a real QBO environment", () => {
    expect(() => loadConfig({ QBO_ENVIRONMENT: "sandbox" })).toThrow(
      /QBO_CLIENT_ID.*\n.*QBO_CLIENT_SECRET.*\n.*QBO_REDIRECT_URI/,
    );
    const c = loadConfig({
      QBO_ENVIRONMENT: "production",
      QBO_CLIENT_ID: "id",
      QBO_CLIENT_SECRET: "secret",
      QBO_REDIRECT_URI: "https://app.example.com/callback",
    });
    expect(c.qbo.baseUrl).toBe("https://quickbooks.api.intuit.com");
  });
});
