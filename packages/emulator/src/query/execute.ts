import type { EntityDef, QboObject } from "../entities/entity-def.js";
import { normalizeKey } from "../entities/field-rules.js";
import { DELETED_SUFFIX } from "../entities/person-name.js";
import { entityDef } from "../entities/registry.js";
import { QboFault, faults } from "../fault.js";
import type { Realm } from "../realm.js";
import { renderEntity } from "../render-entity.js";
import { parseQuery, QueryError, type Condition, type Literal, type ParsedQuery } from "./parser.js";

/** Reads a property by its path, case-insensitively as QBO does; a Ref compares by its value. */
function propertyValue(record: QboObject, path: readonly string[]): unknown {
  let value: unknown = record;
  for (const part of path) {
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

/** A WHERE condition prepared once per query: its path split, its LIKE pattern compiled. */
interface Compiled {
  cond: Condition;
  path: string[];
  like: RegExp | undefined;
  /** Only the rendered record has this field (FullyQualifiedName, Level). */
  computed: boolean;
}

function compile(cond: Condition, computed: ReadonlySet<string>): Compiled {
  return {
    cond,
    path: cond.field.split("."),
    like: cond.op === "LIKE" ? likeRegex(String(cond.values[0])) : undefined,
    computed: computed.has(cond.field.toLowerCase()),
  };
}

function test(rec: QboObject, c: Compiled): boolean {
  const { cond } = c;
  const actual =
    c.path.length === 1 && c.path[0]! in rec ? unref(rec[c.path[0]!]) : propertyValue(rec, c.path);
  switch (cond.op) {
    case "=":
      return compare(actual, cond.values[0]!) === 0;
    case "<":
      return compare(actual, cond.values[0]!) === -1;
    case ">":
      return compare(actual, cond.values[0]!) === 1;
    case "<=": {
      const r = compare(actual, cond.values[0]!);
      return r === -1 || r === 0;
    }
    case ">=": {
      const r = compare(actual, cond.values[0]!);
      return r === 1 || r === 0;
    }
    case "IN":
      return cond.values.some((v) => compare(actual, v) === 0);
    case "LIKE":
      return actual !== undefined && actual !== null && c.like!.test(String(actual));
  }
}

function unref(value: unknown): unknown {
  return value !== null && typeof value === "object" && "value" in value
    ? (value as { value: unknown }).value
    : value;
}

function matches(realm: Realm, def: EntityDef, stored: QboObject, c: Compiled): boolean {
  // Only fields the renderer computes need the rendered record; an inactive name shows " (deleted)"
  // there, but a lookup by its real name still finds it.
  if (c.computed) return test(renderEntity(realm, def, stored), c);
  return test(stored, c) || (stored["Active"] === false && test(renderEntity(realm, def, stored), c));
}

export type QueryResponse = Record<string, unknown>;

/** Runs a query against a realm: QBO's defaults (active only, 100 rows, 1-based start). */
export function runParsedQuery(realm: Realm, query: ParsedQuery): QueryResponse {
  const def = entityDef(query.entity);
  if (!def) throw new QueryError(`QueryValidationError: Entity '${query.entity}' is not supported`);
  const computedFields = new Set((def.computedFields ?? []).map((f) => f.toLowerCase()));
  const conditions = query.where.map((c) => compile(c, computedFields));
  const activeOnly = def.kind === "name" && !query.where.some((c) => c.field.toLowerCase() === "active");
  // Rendering is the costly part: render only what a condition or the ordering needs, and the page.
  const orderNeedsRender = query.orderBy.some((o) => computedFields.has(o.field.toLowerCase()));
  const rows: QboObject[] = [];
  // Rendered copies, kept only when the ordering needs them.
  const renderedOf = new Map<QboObject, QboObject>();
  let count = 0;
  for (const stored of candidates(realm, def, query)) {
    if (activeOnly && stored["Active"] === false) continue;
    let ok = true;
    for (const c of conditions)
      if (!matches(realm, def, stored, c)) {
        ok = false;
        break;
      }
    if (!ok) continue;
    count++;
    if (query.count) continue;
    rows.push(stored);
    if (orderNeedsRender) renderedOf.set(stored, renderEntity(realm, def, stored));
  }
  if (query.count) return { totalCount: count };
  if (query.orderBy.length > 0) {
    const keys = query.orderBy.map((o) => ({ path: o.field.split("."), descending: o.descending }));
    rows.sort((ra, rb) => {
      const a = renderedOf.get(ra) ?? ra;
      const b = renderedOf.get(rb) ?? rb;
      for (const o of keys) {
        const av = propertyValue(a, o.path);
        const bv = propertyValue(b, o.path);
        let c: number;
        if (av === undefined || av === null) c = bv === undefined || bv === null ? 0 : -1;
        else if (bv === undefined || bv === null) c = 1;
        else c = compare(av, typeof bv === "number" || typeof bv === "boolean" ? bv : String(bv)) ?? 0;
        if (c !== 0) return o.descending ? -c : c;
      }
      return 0;
    });
  } else if (!inIdOrder(rows)) {
    rows.sort((a, b) => Number(a["Id"]) - Number(b["Id"]));
  }
  const page = rows
    .slice(query.startPosition - 1, query.startPosition - 1 + query.maxResults)
    .map((r) => renderedOf.get(r) ?? renderEntity(realm, def, r));
  if (page.length === 0) return {};
  return { [def.name]: page, startPosition: query.startPosition, maxResults: page.length };
}

/** Tables iterate in insertion order, which is Id order unless a seed chose Ids; sort only then. */
function inIdOrder(rows: readonly QboObject[]): boolean {
  for (let i = 1; i < rows.length; i++) if (Number(rows[i - 1]!["Id"]) > Number(rows[i]!["Id"])) return false;
  return true;
}

/**
 * The records a query has to look at: through a unique-name index when the query asks for one
 * name (`DisplayName = '...'`, the connector's commonest query), else the whole table.
 */
function candidates(realm: Realm, def: EntityDef, query: ParsedQuery): Iterable<QboObject> {
  const table = realm.table(def.name);
  for (const u of def.unique ?? []) {
    if (u.field === undefined) continue;
    const cond = query.where.find(
      (c) =>
        c.op === "=" && c.field.toLowerCase() === u.field!.toLowerCase() && typeof c.values[0] === "string",
    );
    if (!cond || String(cond.values[0]).endsWith(DELETED_SUFFIX)) continue;
    // The index key is case- and space-normalised, so it finds a superset; matches() then decides.
    const holders = realm.uniqueIndex.get(u.scope)?.get(normalizeKey(String(cond.values[0]))) ?? [];
    return holders.filter((h) => h.entity === def.name).map((h) => table.get(h.id)!);
  }
  return table.values();
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
