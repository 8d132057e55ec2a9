import type { QboObject } from "../entities/entity-def.js";
import { entityDef } from "../entities/registry.js";
import { QboFault, faults } from "../fault.js";
import type { Realm } from "../realm.js";
import { renderEntity } from "../render-entity.js";
import { parseQuery, QueryError, type Condition, type Literal, type ParsedQuery } from "./parser.js";

/** Reads a (possibly dotted) property, case-insensitively as QBO does; a Ref compares by its value. */
function propertyValue(record: QboObject, path: string): unknown {
  let value: unknown = record;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    const obj = value as Record<string, unknown>;
    if (part in obj) value = obj[part];
    else {
      const lower = part.toLowerCase();
      const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
      value = key === undefined ? undefined : obj[key];
    }
  }
  if (value !== null && typeof value === "object" && "value" in value)
    return (value as { value: unknown }).value;
  return value;
}

const datePrefix = /^\d{4}-\d{2}-\d{2}/;

/** -1, 0, 1; strings compare case-insensitively, timestamps by instant, numbers numerically. */
function compare(actual: unknown, expected: Literal): number | undefined {
  if (actual === undefined || actual === null) return undefined;
  if (typeof expected === "boolean") {
    const a = actual === true || actual === "true";
    return a === expected ? 0 : a ? 1 : -1;
  }
  if (typeof expected === "number" || (typeof actual === "number" && !Number.isNaN(Number(expected)))) {
    const a = Number(actual);
    const e = Number(expected);
    if (Number.isNaN(a)) return undefined;
    return a === e ? 0 : a < e ? -1 : 1;
  }
  const a = String(actual);
  if (datePrefix.test(a) && datePrefix.test(expected) && (a.length > 10 || expected.length > 10)) {
    const at = Date.parse(a.length === 10 ? `${a}T00:00:00Z` : a);
    const et = Date.parse(expected.length === 10 ? `${expected}T00:00:00Z` : expected);
    if (!Number.isNaN(at) && !Number.isNaN(et)) return at === et ? 0 : at < et ? -1 : 1;
  }
  const al = a.toLowerCase();
  const el = expected.toLowerCase();
  return al === el ? 0 : al < el ? -1 : 1;
}

function likeRegex(pattern: string): RegExp {
  const body = pattern
    .split("%")
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`, "is");
}

function matches(
  stored: QboObject,
  rendered: () => QboObject,
  computed: ReadonlySet<string>,
  cond: Condition,
  likes: Map<Condition, RegExp>,
): boolean {
  const test = (rec: QboObject): boolean => {
    const actual = propertyValue(rec, cond.field);
    switch (cond.op) {
      case "=":
        return compare(actual, cond.values[0]!) === 0;
      case "<":
        return compare(actual, cond.values[0]!) === -1;
      case ">":
        return compare(actual, cond.values[0]!) === 1;
      case "<=": {
        const c = compare(actual, cond.values[0]!);
        return c === -1 || c === 0;
      }
      case ">=": {
        const c = compare(actual, cond.values[0]!);
        return c === 1 || c === 0;
      }
      case "IN":
        return cond.values.some((v) => compare(actual, v) === 0);
      case "LIKE":
        return actual !== undefined && actual !== null && likes.get(cond)!.test(String(actual));
    }
  };
  // Only fields the renderer computes need the rendered record; an inactive name shows " (deleted)"
  // there, but a lookup by its real name still finds it.
  const field = cond.field.toLowerCase();
  if (computed.has(field)) return test(rendered());
  return test(stored) || (stored["Active"] === false && test(rendered()));
}

export type QueryResponse = Record<string, unknown>;

/** Runs a query against a realm: QBO's defaults (active only, 100 rows, 1-based start). */
export function runParsedQuery(realm: Realm, query: ParsedQuery): QueryResponse {
  const def = entityDef(query.entity);
  if (!def) throw new QueryError(`QueryValidationError: Entity '${query.entity}' is not supported`);
  const likes = new Map<Condition, RegExp>();
  for (const c of query.where) if (c.op === "LIKE") likes.set(c, likeRegex(String(c.values[0])));
  const activeOnly = def.kind === "name" && !query.where.some((c) => c.field.toLowerCase() === "active");
  const rows: QboObject[] = [];
  const computed = new Set((def.computedFields ?? []).map((f) => f.toLowerCase()));
  for (const stored of realm.table(def.name).values()) {
    if (activeOnly && stored["Active"] === false) continue;
    let cache: QboObject | undefined;
    const rendered = (): QboObject => (cache ??= renderEntity(realm, def, stored));
    if (query.where.every((c) => matches(stored, rendered, computed, c, likes))) rows.push(rendered());
  }
  if (query.count) return { totalCount: rows.length };
  if (query.orderBy.length > 0) {
    rows.sort((a, b) => {
      for (const o of query.orderBy) {
        const av = propertyValue(a, o.field);
        const bv = propertyValue(b, o.field);
        let c: number;
        if (av === undefined || av === null) c = bv === undefined || bv === null ? 0 : -1;
        else if (bv === undefined || bv === null) c = 1;
        else c = compare(av, typeof bv === "number" || typeof bv === "boolean" ? bv : String(bv)) ?? 0;
        if (c !== 0) return o.descending ? -c : c;
      }
      return 0;
    });
  } else {
    rows.sort((a, b) => Number(a["Id"]) - Number(b["Id"]));
  }
  const page = rows.slice(query.startPosition - 1, query.startPosition - 1 + query.maxResults);
  if (page.length === 0) return {};
  return { [def.name]: page, startPosition: query.startPosition, maxResults: page.length };
}

/** Parses and runs a query; anything QBO would refuse becomes fault 4001. */
export function runQuery(realm: Realm, source: string): QueryResponse {
  try {
    return runParsedQuery(realm, parseQuery(source));
  } catch (err) {
    if (err instanceof QueryError) throw faults.invalidQuery(err.message);
    if (err instanceof QboFault) throw err;
    throw err;
  }
}
