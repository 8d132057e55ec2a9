import { ApiRequestError, errorMessage } from "./api-client.js";

/** A refused request, with the form field it names (`details.field`) when it names one. */
export interface FieldProblem {
  field: string | undefined;
  message: string;
}

/**
 * The API says `body email: Invalid email address`; beside the Email field the part naming the field
 * is noise, so it goes. Problems naming no field keep their whole message.
 */
export function fieldProblem(err: unknown): FieldProblem {
  if (err instanceof ApiRequestError) {
    const details = err.details as { field?: unknown } | undefined;
    const field = typeof details?.field === "string" ? details.field : undefined;
    return {
      field,
      message: field === undefined ? err.message : err.message.replace(/^(body|query|path) [^:]+: /, ""),
    };
  }
  return { field: undefined, message: errorMessage(err) };
}

/** The message for `field`, or undefined (for `aria-invalid` and the text under the field). */
export const problemFor = (p: FieldProblem | undefined, field: string): string | undefined =>
  p !== undefined && p.field === field ? p.message : undefined;

/** A problem that names none of the form's fields: shown above its buttons. */
export const formProblem = (p: FieldProblem | undefined, fields: readonly string[]): string | undefined =>
  p !== undefined && (p.field === undefined || !fields.includes(p.field)) ? p.message : undefined;
