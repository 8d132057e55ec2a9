import { classifyFailure } from "@ledgerlink/core";
import { describe, expect, it } from "vitest";
import { errorFromBatchFault, errorFromResponse, parseRetryAfter } from "./parse-fault.js";
import { QboAuthError, QboFaultError, QboRateLimitError, QboUnexpectedResponseError } from "./qbo-error.js";

const res = (status: number, body: string, headers: Record<string, string> = {}) => ({
  status,
  body,
  headers: new Headers({ intuit_tid: "1-abc", ...headers }),
});

describe("errorFromResponse", () => {
  it("maps a JSON validation fault with every field and the product category", () => {
    const err = errorFromResponse(
      res(
        400,
        JSON.stringify({
          Fault: {
            Error: [
              {
                Message: "Duplicate Name Exists Error",
                Detail: "The name supplied already exists. : Another customer is already using this name.",
                code: "6240",
                element: "DisplayName",
              },
              { Message: "Second", code: "2050" },
            ],
            type: "ValidationFault",
          },
          time: "2025-01-01T00:00:00.000-08:00",
        }),
      ),
    );
    expect(err).toBeInstanceOf(QboFaultError);
    expect(err.name).toBe("QboFaultError");
    expect(err).toMatchObject({
      code: "6240",
      message: "Duplicate Name Exists Error",
      element: "DisplayName",
      intuitTid: "1-abc",
      status: 400,
      category: "duplicate",
      faultType: "ValidationFault",
    });
    expect(err.detail).toContain("already using this name");
    expect(err.errors.map((e) => e.code)).toEqual(["6240", "2050"]);
    // The sync engine reads these same properties.
    expect(classifyFailure(err)).toEqual({
      category: "duplicate",
      message: "Duplicate Name Exists Error",
      code: "6240",
      detail: err.detail,
      element: "DisplayName",
    });
  });

  it("categorises stale, closed period, missing reference", () => {
    const fault = (code: string) =>
      errorFromResponse(
        res(400, JSON.stringify({ Fault: { Error: [{ Message: "m", code }], type: "ValidationFault" } })),
      );
    expect(fault("5010").category).toBe("stale");
    expect(fault("6210").category).toBe("closed-period");
    expect(fault("610").category).toBe("inactive-or-missing");
    expect(fault("2050").category).toBe("invalid-data");
    expect(fault("9999").category).toBe("other");
  });

  it("treats a 500 SystemFault as transient", () => {
    const err = errorFromResponse(
      res(
        500,
        JSON.stringify({
          Fault: {
            Error: [{ Message: "An application error has occurred", code: "10000" }],
            type: "SystemFault",
          },
        }),
      ),
    );
    expect(err).toBeInstanceOf(QboFaultError);
    expect(err).toMatchObject({ code: "10000", category: "transient", status: 500 });
  });

  it("parses the lower-case authentication shape", () => {
    const err = errorFromResponse(
      res(
        401,
        JSON.stringify({
          fault: {
            error: [
              {
                message: "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                detail: "Token expired: eyJ...",
                code: "3200",
              },
            ],
            type: "AUTHENTICATION",
          },
        }),
      ),
    );
    expect(err).toBeInstanceOf(QboAuthError);
    expect(err).toMatchObject({
      name: "QboAuthError",
      code: "3200",
      message: "AuthenticationFailed",
      detail: "Token expired: eyJ...",
      category: "auth",
      reason: "unauthorized",
      status: 401,
    });
  });

  it("reads the error code out of the message when the auth fault has no code field", () => {
    const err = errorFromResponse(
      res(
        403,
        JSON.stringify({
          fault: {
            error: [{ message: "message=AuthorizationFailed; errorCode=003100; statusCode=403" }],
            type: "AUTHORIZATION",
          },
        }),
      ),
    );
    expect(err).toMatchObject({ name: "QboAuthError", code: "3100", reason: "forbidden" });
  });

  it("parses the XML throttling body and Retry-After", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2025-01-01T00:00:00.000-08:00">
  <Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit &amp; more was reached.</Detail></Error></Fault>
</IntuitResponse>`;
    const err = errorFromResponse(res(429, xml, { "retry-after": "7" }));
    expect(err).toBeInstanceOf(QboRateLimitError);
    expect(err).toMatchObject({ code: "3001", category: "throttled", retryAfterMs: 7000, status: 429 });
    expect(err.detail).toBe("The request limit & more was reached.");
  });

  it("still types a 429 with an empty body", () => {
    const err = errorFromResponse(res(429, ""));
    expect(err).toMatchObject({ name: "QboRateLimitError", code: "3001", retryAfterMs: undefined });
  });

  it("keeps an unrecognised 502 as transient with the body excerpt", () => {
    const err = errorFromResponse(res(502, "<html>Bad gateway</html>"));
    expect(err).toBeInstanceOf(QboUnexpectedResponseError);
    expect(err).toMatchObject({ category: "transient", status: 502, detail: "<html>Bad gateway</html>" });
  });
});

describe("errorFromBatchFault", () => {
  it("maps a per-item fault", () => {
    const err = errorFromBatchFault(
      { Error: [{ Message: "Stale Object Error", code: "5010", Detail: "x" }], type: "ValidationFault" },
      "tid",
    );
    expect(err).toMatchObject({ name: "QboFaultError", code: "5010", category: "stale", intuitTid: "tid" });
  });
});

describe("parseRetryAfter", () => {
  it("accepts seconds and HTTP dates", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(null)).toBeUndefined();
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", () => now)).toBe(30_000);
    expect(parseRetryAfter("nonsense")).toBeUndefined();
  });
});
