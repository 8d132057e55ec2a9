import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { companyLogger, createLogger, redactText } from "./logger.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { lines, log: createLogger({ level: "debug", destination }) };
}

const secrets = {
  bearer: "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig",
  apiKey: "llk_Zm9vYmFyYmF6cXV1eDEyMzQ1Njc4OTA",
  password: "hunter2-correct-horse",
  smtpPassword: "mail-pass-7731",
  clientSecret: "cs-9f8e7d6c5b4a",
  refresh: "AB11-refresh-token-value",
};

describe("logger", () => {
  it("redacts secret fields at any of the first levels and secrets inside strings", async () => {
    const { lines, log } = capture();
    log.info(
      {
        req: {
          headers: { authorization: `Bearer ${secrets.bearer}`, cookie: `ll_session=${secrets.refresh}` },
        },
        config: {
          qbo: { clientSecret: secrets.clientSecret },
          smtpUrl: `smtp://me:${secrets.smtpPassword}@mail`,
        },
        password: secrets.password,
        tokens: { refreshToken: secrets.refresh, accessToken: secrets.bearer },
        note: `retrying with key ${secrets.apiKey}`,
      },
      `sending through smtps://me:${secrets.smtpPassword}@mail.example.com:465`,
    );
    log.error(
      {
        err: new Error(
          `QBO said: invalid_grant for refresh_token=${secrets.refresh} (Bearer ${secrets.bearer})`,
        ),
      },
      "refresh failed",
    );
    const child = companyLogger(log, { companyId: "acme", runId: "run-1" });
    child.warn(`password=${secrets.password}`);
    await new Promise((r) => setImmediate(r));
    const out = lines.join("");
    expect(lines).toHaveLength(3);
    for (const [name, value] of Object.entries(secrets)) expect(out, name).not.toContain(value);
    expect(out).toContain("[redacted]");
    const last = JSON.parse(lines[2]!) as Record<string, unknown>;
    expect(last).toMatchObject({ companyId: "acme", runId: "run-1", level: 40 });
    const err = (JSON.parse(lines[1]!) as { err: { type: string; message: string } }).err;
    expect(err.type).toBe("Error");
    expect(err.message).toContain("invalid_grant");
  });

  it("leaves ordinary text alone", () => {
    expect(redactText("customer C:1042 renamed to Acme Ltd")).toBe("customer C:1042 renamed to Acme Ltd");
    expect(redactText("https://example.com/path?x=1")).toBe("https://example.com/path?x=1");
  });
});
