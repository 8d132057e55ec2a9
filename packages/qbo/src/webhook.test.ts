import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  latestPerRecord,
  parseWebhookPayload,
  verifyWebhookSignature,
  WebhookPayloadError,
} from "./webhook.js";

describe("verifyWebhookSignature", () => {
  it("matches an independent HMAC-SHA256 vector (RFC 4231 case 2), base64-encoded", () => {
    const sig = Buffer.from(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      "hex",
    ).toString("base64");
    expect(verifyWebhookSignature("what do ya want for nothing?", sig, "Jefe")).toBe(true);
    expect(verifyWebhookSignature(Buffer.from("what do ya want for nothing?"), sig, "Jefe")).toBe(true);
  });

  it("refuses a wrong, truncated, missing or differently keyed signature, and a changed body", () => {
    const body = '{"eventNotifications":[]}';
    const good = createHmac("sha256", "verifier").update(body).digest("base64");
    expect(verifyWebhookSignature(body, good, "verifier")).toBe(true);
    expect(verifyWebhookSignature(body + " ", good, "verifier")).toBe(false);
    expect(verifyWebhookSignature(body, good, "other")).toBe(false);
    expect(verifyWebhookSignature(body, good.slice(0, 20), "verifier")).toBe(false);
    expect(verifyWebhookSignature(body, null, "verifier")).toBe(false);
    expect(verifyWebhookSignature(body, good, "")).toBe(false);
  });
});

describe("parseWebhookPayload", () => {
  it("reads the legacy eventNotifications format", () => {
    const events = parseWebhookPayload({
      eventNotifications: [
        {
          realmId: "1185883450",
          dataChangeEvent: {
            entities: [
              { name: "Customer", id: "1", operation: "Create", lastUpdated: "2015-10-05T14:42:19-0700" },
              {
                name: "Vendor",
                id: "1",
                operation: "Merge",
                lastUpdated: "2015-10-05T14:42:19-0700",
                deletedId: "2",
              },
              { name: "Invoice", id: "9", operation: "Frobnicate" },
            ],
          },
        },
      ],
    });
    expect(events).toEqual([
      {
        realmId: "1185883450",
        entity: "Customer",
        id: "1",
        operation: "Create",
        lastUpdated: "2015-10-05T14:42:19-0700",
      },
      {
        realmId: "1185883450",
        entity: "Vendor",
        id: "1",
        operation: "Merge",
        lastUpdated: "2015-10-05T14:42:19-0700",
        deletedId: "2",
      },
    ]);
  });

  it("reads the CloudEvents format, mapping entity names to QBO's", () => {
    const events = parseWebhookPayload([
      {
        specversion: "1.0",
        id: "e1",
        source: "intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=",
        type: "qbo.creditmemo.created.v1",
        datacontenttype: "application/json",
        time: "2025-09-10T21:31:25.179Z",
        intuitentityid: "1234",
        intuitaccountid: "310687",
        data: {},
      },
      {
        specversion: "1.0",
        type: "qbo.customer.deleted.v1",
        intuitentityid: "7",
        intuitaccountid: "310687",
        time: "t",
      },
    ]);
    expect(events).toEqual([
      {
        realmId: "310687",
        entity: "CreditMemo",
        id: "1234",
        operation: "Create",
        lastUpdated: "2025-09-10T21:31:25.179Z",
      },
      { realmId: "310687", entity: "Customer", id: "7", operation: "Delete", lastUpdated: "t" },
    ]);
  });

  it("refuses a body of neither format", () => {
    expect(() => parseWebhookPayload({ hello: 1 })).toThrow(WebhookPayloadError);
  });

  it("collapses duplicates and out-of-order events to the latest per record", () => {
    const e = (id: string, at: string, operation: "Create" | "Update" = "Update") => ({
      realmId: "1",
      entity: "Customer",
      id,
      operation,
      lastUpdated: at,
    });
    expect(
      latestPerRecord([
        e("1", "2025-01-02"),
        e("1", "2025-01-01", "Create"),
        e("2", "2025-01-01"),
        e("1", "2025-01-02"),
      ]),
    ).toEqual([e("1", "2025-01-02"), e("2", "2025-01-01")]);
  });
});
