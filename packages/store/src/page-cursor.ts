/**
 * Opaque page cursors: the sort key of the last row of a page, as base64url JSON. A cursor that does
 * not decode to the shape a list expects is refused with `InvalidCursorError` (a 400 naming `cursor`).
 */
export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
  readonly field = "cursor";
  constructor(message = "cursor is not one this list gave out; start again without it") {
    super(message);
  }
}

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

type Decoded<T> = { [K in keyof T]: T[K] extends "string" ? string : number };

/** Decodes a cursor that must hold exactly `fields`, each a string or a number. */
export function decodeCursor<T extends Record<string, "string" | "number">>(
  cursor: string,
  fields: T,
): Decoded<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new InvalidCursorError();
  const obj = parsed as Record<string, unknown>;
  for (const [f, type] of Object.entries(fields)) if (typeof obj[f] !== type) throw new InvalidCursorError();
  if (Object.keys(obj).length !== Object.keys(fields).length) throw new InvalidCursorError();
  return obj as Decoded<T>;
}
