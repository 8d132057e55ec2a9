import type { Context } from "hono";
import { z } from "zod";
import { ApiError } from "../api-error.js";
import { emailAddress } from "../config.js";

/** At most this many recipients per company: a report goes to the office, not a mailing list. */
export const maxRecipients = 50;

const recipientList = z.array(emailAddress).max(maxRecipients);

/** `POST …/reports/recipients`: the company's whole list (empty: fall back to REPORT_RECIPIENTS). */
export const recipientsBody = z.strictObject({ recipients: recipientList });

/** `POST …/reports/runs/:runId/email`: optional recipients for this one message. */
export const emailReportBody = z.strictObject({ recipients: recipientList.min(1).optional() });

/** The JSON body parsed by `schema`; a 400 names the field at fault (`recipients.2`). Empty body = `{}`. */
export async function parseBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(400, "invalid_json", "The request body is not valid JSON", { field: "(body)" });
    }
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "(body)";
    throw new ApiError(400, "invalid_body", `${field}: ${issue.message}`, { field });
  }
  return parsed.data;
}

/** Addresses once each, compared without case (mail systems treat them so), in the order given. */
export function uniqueAddresses(list: readonly string[]): string[] {
  const seen = new Set<string>();
  return list.filter((a) => {
    const key = a.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
