import { createHmac, timingSafeEqual } from "node:crypto";

/** Intuit's `intuit-signature`: base64(HMAC-SHA256(key = verifier token, data = raw body)). */
export function signWebhookPayload(rawBody: string, verifierToken: string): string {
  return createHmac("sha256", verifierToken).update(rawBody, "utf8").digest("base64");
}

/** Checks a signature in constant time (what a receiver does). */
export function verifyWebhookSignature(rawBody: string, signature: string, verifierToken: string): boolean {
  const expected = Buffer.from(signWebhookPayload(rawBody, verifierToken));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
