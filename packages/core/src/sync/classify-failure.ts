import { errorCategories, type ErrorCategory } from "../error-category.js";
import type { ClassifiedFailure } from "../ports.js";

const isCategory = (v: unknown): v is ErrorCategory =>
  typeof v === "string" && (errorCategories as readonly string[]).includes(v);

/** Reads the connector's error fields off anything thrown; unknown errors are "other". */
export function classifyFailure(err: unknown): ClassifiedFailure {
  if (err !== null && typeof err === "object") {
    const e = err as Record<string, unknown>;
    const out: ClassifiedFailure = {
      category: isCategory(e["category"]) ? e["category"] : "other",
      message: typeof e["message"] === "string" ? e["message"] : String(err),
    };
    if (typeof e["code"] === "string") out.code = e["code"];
    if (typeof e["detail"] === "string") out.detail = e["detail"];
    if (typeof e["element"] === "string") out.element = e["element"];
    return out;
  }
  return { category: "other", message: String(err) };
}
