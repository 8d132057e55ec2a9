import { faults } from "../fault.js";
import type { Realm } from "../realm.js";
import type { EntityName, QboObject } from "./entity-def.js";

/** Case- and whitespace-insensitive key, the safe reading of QBO's name uniqueness (QBO-API.md). */
export function normalizeKey(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}

export function stringField(record: QboObject, field: string): string | undefined {
  const v = record[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw faults.malformedRequest(`Property ${field} must be a string`);
  return v;
}

export function requireString(record: QboObject, field: string): string {
  const v = stringField(record, field);
  if (v === undefined || v.trim() === "") throw faults.required(field);
  return v;
}

export function checkLength(record: QboObject, field: string, max: number, element = field): void {
  const v = stringField(record, field);
  if (v !== undefined && v.length > max) throw faults.length(element, 0, max, v.length);
}

const badNameChars = /[:\t\n\r]/;

/** QBO refuses `:` (the FullyQualifiedName separator), tabs and newlines in names. */
export function checkNameChars(record: QboObject, field: string, extra?: RegExp): void {
  const v = stringField(record, field);
  if (v === undefined) return;
  if (badNameChars.test(v)) throw faults.invalidString(field, "colon, tab or newline");
  if (extra && extra.test(v)) throw faults.invalidString(field, `characters matching ${extra.source}`);
}

/** The nested `{ FreeFormNumber }`/`{ Address }` value of a field, if any. */
export function nestedString(record: QboObject, field: string, key: string): string | undefined {
  const v = record[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object") throw faults.malformedRequest(`Property ${field} must be an object`);
  const inner = (v as Record<string, unknown>)[key];
  if (inner === undefined || inner === null) return undefined;
  if (typeof inner !== "string") throw faults.malformedRequest(`Property ${field}.${key} must be a string`);
  return inner;
}

export function refValue(record: QboObject, field: string): string | undefined {
  const v = record[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object") throw faults.malformedRequest(`Property ${field} must be a reference object`);
  const value = (v as Record<string, unknown>)["value"];
  if (value === undefined || value === null || value === "") return undefined;
  return String(value);
}

/**
 * Resolves a reference to an active record, or throws 610 as QBO does for both a missing and an
 * inactive target.
 */
export function resolveRef(
  realm: Realm,
  entity: EntityName,
  record: QboObject,
  field: string,
  options: { required: boolean },
): QboObject | undefined {
  const id = refValue(record, field);
  if (id === undefined) {
    if (options.required) throw faults.required(field);
    return undefined;
  }
  const target = realm.batchHidden?.has(`${entity}:${id}`) ? undefined : realm.table(entity).get(id);
  if (!target) throw faults.objectNotFound(`${field}: ${entity} Id=${id} does not exist`);
  if (target["Active"] === false) throw faults.objectNotFound(`${field}: ${entity} Id=${id} is inactive`);
  return target;
}

export function booleanField(record: QboObject, field: string, fallback: boolean): boolean {
  const v = record[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw faults.malformedRequest(`Property ${field} must be true or false`);
}
