import { describe, expect, it } from "vitest";
import { retryDelayMs, retryPolicy } from "./retry-schedule.js";
import { signPayload, verifyWebhook, WebhookSignatureError } from "./webhook-signature.js";

describe("webhook retry back-off", () => {
  it("doubles from 30 s with equal jitter (half fixed, half random) and stops at the 6-hour cap", () => {
    expect(retryDelayMs(1, () => 0)).toBe(15_000);
    expect(retryDelayMs(1, () => 0.999999)).toBe(30_000);
    expect(retryDelayMs(2, () => 0)).toBe(30_000);
    expect(retryDelayMs(3, () => 0.5)).toBe(90_000);
    expect(retryDelayMs(30, () => 0.999999)).toBeLessThanOrEqual(retryPolicy.capMs);
    expect(retryDelayMs(30, () => 0.999999)).toBeGreaterThan(retryPolicy.capMs - 100);
    expect(retryDelayMs(30, () => 0)).toBe(retryPolicy.capMs / 2);
    // The sum of every delay before giving up: about a day and a half of trying.
    const total = Array.from({ length: retryPolicy.maxAttempts - 1 }, (_, i) =>
      retryDelayMs(i + 1, () => 1),
    ).reduce((a, b) => a + b);
    expect(total).toBeGreaterThan(24 * 3600_000);
  });
});

describe("webhook signature", () => {
  const body = '{"id":"evt_1"}';
  it("accepts its own signature within the tolerance and refuses a replay or a tampered body", () => {
    const sig = signPayload("whsec_a", 1_000_000, body);
    expect(() =>
      verifyWebhook({
        secret: "whsec_a",
        rawBody: body,
        signature: sig,
        timestamp: "1000000",
        nowSeconds: 1_000_100,
      }),
    ).not.toThrow();
    expect(() =>
      verifyWebhook({
        secret: "whsec_a",
        rawBody: body,
        signature: sig,
        timestamp: "1000000",
        nowSeconds: 1_000_301,
      }),
    ).toThrow(/tolerance/);
    expect(() =>
      verifyWebhook({
        secret: "whsec_a",
        rawBody: body + " ",
        signature: sig,
        timestamp: "1000000",
        nowSeconds: 1_000_000,
      }),
    ).toThrow(WebhookSignatureError);
    // During a rotation the header carries both signatures; either secret verifies.
    const both = `${signPayload("whsec_new", 1_000_000, body)},${sig}`;
    for (const secret of ["whsec_new", "whsec_a"])
      expect(() =>
        verifyWebhook({
          secret,
          rawBody: body,
          signature: both,
          timestamp: "1000000",
          nowSeconds: 1_000_000,
        }),
      ).not.toThrow();
  });
});
