import { categoryForQboCode } from "@ledgerlink/core";
import {
  QboAuthError,
  QboFaultError,
  QboRateLimitError,
  QboUnexpectedResponseError,
  type QboError,
  type QboErrorItem,
} from "./qbo-error.js";

export interface FaultResponse {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * Turns a failed QBO response into a typed error. QBO answers in three shapes: the JSON `Fault`
 * (validation/system), a lower-case `fault` (authentication), and XML (throttling, historically
 * even when JSON was asked for). Anything else still becomes an error that keeps status and body.
 */
export function errorFromResponse(res: FaultResponse, now: () => number = Date.now): QboError {
  const intuitTid = res.headers.get("intuit_tid") ?? undefined;
  const parsed = parseFaultBody(res.body);
  const first = parsed?.errors[0];
  const common = {
    intuitTid,
    status: res.status,
    errors: parsed?.errors ?? [],
    code: first?.code,
    detail: first?.detail,
    element: first?.element,
  };

  if (res.status === 429 || first?.code === "3001") {
    return new QboRateLimitError({
      ...common,
      message: first?.message ?? "ThrottleExceeded",
      retryAfterMs: parseRetryAfter(res.headers.get("retry-after"), now),
    });
  }
  if (res.status === 401 || res.status === 403 || parsed?.auth) {
    return new QboAuthError({
      ...common,
      code: first?.code ?? (res.status === 403 ? "3100" : "3200"),
      message: first?.message ?? (res.status === 403 ? "AuthorizationFailed" : "AuthenticationFailed"),
      reason: res.status === 403 || first?.code === "3100" ? "forbidden" : "unauthorized",
    });
  }
  if (parsed && first) {
    return new QboFaultError({
      ...common,
      message: first.message,
      faultType: parsed.type,
      // An unknown code on a 5xx is still worth a retry; on a 4xx it is not.
      ...(res.status >= 500 && categoryForQboCode(first.code) === "other"
        ? { category: "transient" as const }
        : {}),
    });
  }
  return new QboUnexpectedResponseError({
    ...common,
    message: `QuickBooks answered HTTP ${res.status} with an unrecognised body`,
    detail: res.body.slice(0, 500),
  });
}

/** A per-item fault inside a batch response (HTTP 200 overall). */
export function errorFromBatchFault(fault: unknown, intuitTid: string | undefined): QboError {
  const parsed = parseJsonFault(fault);
  const first = parsed?.errors[0];
  if (!parsed || !first) {
    return new QboUnexpectedResponseError({ message: "Batch item fault without errors", intuitTid });
  }
  const init = {
    message: first.message,
    code: first.code,
    detail: first.detail,
    element: first.element,
    errors: parsed.errors,
    intuitTid,
  };
  if (first.code === "3001") return new QboRateLimitError(init);
  return new QboFaultError({ ...init, faultType: parsed.type });
}

interface ParsedFault {
  type: string | undefined;
  errors: QboErrorItem[];
  auth: boolean;
}

export function parseFaultBody(body: string): ParsedFault | undefined {
  const trimmed = body.trimStart();
  if (trimmed.startsWith("<")) return parseXmlFault(trimmed);
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (!isObject(json)) return undefined;
  if ("Fault" in json) return parseJsonFault(json["Fault"]);
  if ("fault" in json) return parseAuthFault(json["fault"]);
  return undefined;
}

function parseJsonFault(fault: unknown): ParsedFault | undefined {
  if (!isObject(fault) || !Array.isArray(fault["Error"])) return undefined;
  const errors = fault["Error"]
    .filter(isObject)
    .map((e) => item(e["code"], e["Message"], e["Detail"], e["element"]));
  const type = str(fault["type"]);
  return { type, errors, auth: type === "AuthenticationFault" || type === "AUTHENTICATION" };
}

/** `{"fault": {"error": [{"message": "message=AuthenticationFailed; errorCode=003200; ...", ...}]}}` */
function parseAuthFault(fault: unknown): ParsedFault | undefined {
  if (!isObject(fault) || !Array.isArray(fault["error"])) return undefined;
  const errors = fault["error"].filter(isObject).map((e) => {
    const raw = str(e["message"]) ?? "";
    const fields = Object.fromEntries(
      raw.split(";").map((kv) => {
        const at = kv.indexOf("=");
        return at < 0 ? [kv.trim(), ""] : [kv.slice(0, at).trim(), kv.slice(at + 1).trim()];
      }),
    );
    const code = str(e["code"]) ?? stripZeros(fields["errorCode"]);
    return item(code, fields["message"] || raw, e["detail"], undefined);
  });
  return { type: str(fault["type"]), errors, auth: true };
}

/** `<IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>..</Message><Detail>..</Detail></Error></Fault></IntuitResponse>` */
function parseXmlFault(xml: string): ParsedFault | undefined {
  if (!/<Fault\b/.test(xml)) return undefined;
  const type = /<Fault\b[^>]*\btype="([^"]*)"/.exec(xml)?.[1];
  const errors: QboErrorItem[] = [];
  for (const m of xml.matchAll(/<Error\b([^>]*)>([\s\S]*?)<\/Error>/g)) {
    const attrs = m[1] ?? "";
    const inner = m[2] ?? "";
    const tag = (name: string) => {
      const v = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(inner)?.[1];
      return v === undefined ? undefined : decodeXml(v);
    };
    const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];
    errors.push(item(attr("code"), tag("Message"), tag("Detail"), attr("element")));
  }
  return { type: type === undefined ? undefined : decodeXml(type), errors, auth: type === "AUTHENTICATION" };
}

function item(code: unknown, message: unknown, detail: unknown, element: unknown): QboErrorItem {
  const out: QboErrorItem = { code: str(code) ?? "", message: str(message) ?? "QuickBooks reported a fault" };
  const d = str(detail);
  const el = str(element);
  if (d !== undefined && d !== "") out.detail = d;
  if (el !== undefined && el !== "") out.element = el;
  return out;
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: () => number = Date.now): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}

const decodeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    switch (e.toLowerCase()) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      case "apos":
        return "'";
      case "amp":
        return "&";
      default:
        return String.fromCodePoint(
          e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10),
        );
    }
  });

const stripZeros = (s: string | undefined) => (s === undefined ? undefined : s.replace(/^0+(?=\d)/, ""));
const str = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
