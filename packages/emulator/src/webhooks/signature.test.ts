import { describe, expect, it } from "vitest";
import { signWebhookPayload, verifyWebhookSignature } from "./signature.js";

// Intuit's published test vector, from the Java SDK's WebhooksServiceTest
// (intuit/QuickBooks-V3-Java-SDK, ipp-v3-java-devkit/src/test/java/com/intuit/ipp/services/WebhooksServiceTest.java).
const verifierToken = "b5771f19b12ddb4bcdb9f08bdc50bc63878a";
const intuitSignature = "JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q=";
const payload =
  '{"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[{"name":"Customer","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}]}}]}';

describe("webhook signature", () => {
  it("matches Intuit's SDK test vector", () => {
    expect(signWebhookPayload(payload, verifierToken)).toBe(intuitSignature);
    expect(verifyWebhookSignature(payload, intuitSignature, verifierToken)).toBe(true);
  });

  it("rejects what the SDK test rejects, and any change to the body", () => {
    expect(verifyWebhookSignature(payload, "1234", verifierToken)).toBe(false);
    expect(verifyWebhookSignature(payload.replace('"1"', '"2"'), intuitSignature, verifierToken)).toBe(false);
  });
});
