import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Webhook signing. Each delivery carries
 *   ledgerlink-event-id:  evt_…   (the same on every retry: de-duplicate by it)
 *   ledgerlink-timestamp: unix seconds when this attempt was signed
 *   ledgerlink-signature: v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the endpoint's secret>
 * The timestamp is inside the signed text, so a captured delivery cannot be replayed later with a new
 * timestamp; receivers refuse timestamps further than the tolerance (5 minutes) from their clock.
 * During a secret rotation the header lists two signatures (new, then old), comma-separated.
 */
export const signatureHeader = "ledgerlink-signature";
export const timestampHeader = "ledgerlink-timestamp";
export const eventIdHeader = "ledgerlink-event-id";
export const eventTypeHeader = "ledgerlink-event-type";
export const defaultToleranceSeconds = 300;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

export function signPayload(secret: string, timestamp: number, rawBody: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex")}`;
}

export class WebhookSignatureError extends Error {
  override readonly name = "WebhookSignatureError";
}

/**
 * What a receiver does (the README shows the same in ten lines): recompute the HMAC over the raw body
 * and compare in constant time, then check the timestamp against the tolerance.
 */
export function verifyWebhook(o: {
  secret: string;
  rawBody: string;
  signature: string | null | undefined;
  timestamp: string | null | undefined;
  nowSeconds: number;
  toleranceSeconds?: number;
}): void {
  const ts = Number(o.timestamp);
  if (!o.timestamp || !Number.isInteger(ts)) throw new WebhookSignatureError("missing or bad timestamp");
  if (Math.abs(o.nowSeconds - ts) > (o.toleranceSeconds ?? defaultToleranceSeconds))
    throw new WebhookSignatureError("timestamp outside the tolerance (a replay, or a clock far off)");
  const expected = Buffer.from(signPayload(o.secret, ts, o.rawBody));
  const given = (o.signature ?? "").split(",").map((s) => Buffer.from(s.trim()));
  if (!given.some((g) => g.length === expected.length && timingSafeEqual(g, expected)))
    throw new WebhookSignatureError("signature does not match");
}
