import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openToken, sealToken, tokenKey } from "./token-crypto.js";

const k1 = tokenKey(randomBytes(32));
const k2 = tokenKey(randomBytes(32).toString("hex"));

describe("token crypto (AES-256-GCM)", () => {
  it("round-trips and never shows the plaintext", () => {
    const sealed = sealToken('{"refreshToken":"RT1-secret"}', k1, "co1");
    expect(sealed).not.toContain("RT1-secret");
    expect(sealed.split(".")[0]).toBe("v1");
    expect(openToken(sealed, [k1], "co1")).toBe('{"refreshToken":"RT1-secret"}');
    // A fresh IV each time.
    expect(sealToken("x", k1, "co1")).not.toBe(sealToken("x", k1, "co1"));
  });

  it("refuses another company's record, a tampered one, or an unknown key", () => {
    const sealed = sealToken("secret", k1, "co1");
    expect(() => openToken(sealed, [k1], "co2")).toThrow(/failed authentication/);
    const parts = sealed.split(".");
    parts[4] = Buffer.from("other!").toString("base64url");
    expect(() => openToken(parts.join("."), [k1], "co1")).toThrow(/failed authentication/);
    expect(() => openToken(sealed, [k2], "co1")).toThrow(/not configured/);
  });

  it("opens records sealed with a retired key after rotation", () => {
    const old = sealToken("secret", k1, "co1");
    expect(openToken(old, [k2, k1], "co1")).toBe("secret");
  });

  it("accepts hex and base64 keys of 32 bytes only", () => {
    const raw = randomBytes(32);
    expect(tokenKey(raw.toString("hex")).id).toBe(tokenKey(raw.toString("base64")).id);
    expect(() => tokenKey("abcd")).toThrow(/32 bytes/);
  });
});
