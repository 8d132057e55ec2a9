import { QboInputError } from "./qbo-error.js";

export type QueryValue = string | number | boolean | Date;
export type QueryOperator = "=" | "<" | ">" | "<=" | ">=";

/** QBO's hard page-size ceiling (1500 → fault 4001). */
export const MAX_RESULTS = 1000;

/**
 * Escapes a value for a single-quoted QBO query string. Backslash first (so the escapes we add are
 * not doubled), then the apostrophe as `\'` — before any URL encoding, which is the classic bug.
 * Curly single quotes have been reported to break QBO's lexer, so they are escaped the same way.
 */
export function escapeQueryString(value: string): string {
  return value.replace(/[\\'\u2018\u2019]/g, (c) => `\\${c}`);
}

/** A literal in QBO's query syntax. */
export function queryLiteral(value: QueryValue): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new QboInputError(`Query value ${value} is not a finite number`);
    return String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new QboInputError("Query value is an invalid date");
    return `'${value.toISOString()}'`;
  }
  return `'${escapeQueryString(value)}'`;
}

const fieldPattern = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

function checkField(field: string): string {
  if (!fieldPattern.test(field)) throw new QboInputError(`"${field}" is not a QBO query field name`, field);
  return field;
}

type LikeKind = "startsWith" | "contains" | "endsWith";

/** A condition QBO cannot express exactly, checked on each returned record instead. */
interface ResidualFilter {
  field: string;
  kind: LikeKind;
  literal: string;
}

interface QueryState {
  entity: string;
  conditions: readonly string[];
  residual: readonly ResidualFilter[];
  orderBy: string | undefined;
  includeInactive: boolean;
}

/**
 * Builds `SELECT * FROM <Entity> WHERE ... ORDERBY ... STARTPOSITION n MAXRESULTS m`. Immutable:
 * every method returns a new builder. QBO has no OR; conditions are ANDed.
 */
export class QueryBuilder<E extends string = string> {
  private constructor(private readonly s: QueryState) {}

  static from<N extends string>(entity: N): QueryBuilder<N> {
    if (!/^[A-Z][A-Za-z]*$/.test(entity))
      throw new QboInputError(`"${entity}" is not a QBO entity name`, "entity");
    return new QueryBuilder<N>({
      entity,
      conditions: [],
      residual: [],
      orderBy: undefined,
      includeInactive: false,
    });
  }

  get entity(): E {
    return this.s.entity as E;
  }

  where(field: string, op: QueryOperator, value: QueryValue): QueryBuilder<E> {
    return this.with({
      conditions: [...this.s.conditions, `${checkField(field)} ${op} ${queryLiteral(value)}`],
    });
  }

  whereIn(field: string, values: readonly QueryValue[]): QueryBuilder<E> {
    if (values.length === 0) throw new QboInputError(`IN list for ${field} is empty`, field);
    const list = values.map(queryLiteral).join(", ");
    return this.with({ conditions: [...this.s.conditions, `${checkField(field)} IN (${list})`] });
  }

  /** A raw LIKE pattern where `%` is the wildcard (apostrophes are still escaped). */
  whereLike(field: string, pattern: string): QueryBuilder<E> {
    return this.with({
      conditions: [...this.s.conditions, `${checkField(field)} LIKE '${escapeQueryString(pattern)}'`],
    });
  }

  startsWith(field: string, literal: string): QueryBuilder<E> {
    return this.like(field, "startsWith", literal);
  }

  contains(field: string, literal: string): QueryBuilder<E> {
    return this.like(field, "contains", literal);
  }

  endsWith(field: string, literal: string): QueryBuilder<E> {
    return this.like(field, "endsWith", literal);
  }

  /** Name-list queries return active records only unless asked (QBO-API.md). */
  includeInactive(include = true): QueryBuilder<E> {
    return this.with({ includeInactive: include });
  }

  orderBy(field: string, direction: "ASC" | "DESC" = "ASC"): QueryBuilder<E> {
    return this.with({ orderBy: `${checkField(field)} ${direction}` });
  }

  /** One page of the query; `startPosition` is 1-based as QBO requires. */
  page(startPosition = 1, maxResults = MAX_RESULTS): string {
    if (!Number.isInteger(startPosition) || startPosition < 1) {
      throw new QboInputError(`STARTPOSITION must be an integer ≥ 1, got ${startPosition}`, "startPosition");
    }
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) {
      throw new QboInputError(
        `MAXRESULTS must be an integer 1..${MAX_RESULTS}, got ${maxResults}`,
        "maxResults",
      );
    }
    const order = this.s.orderBy === undefined ? "" : ` ORDERBY ${this.s.orderBy}`;
    return `SELECT * FROM ${this.s.entity}${this.whereClause()}${order} STARTPOSITION ${startPosition} MAXRESULTS ${maxResults}`;
  }

  count(): string {
    return `SELECT COUNT(*) FROM ${this.s.entity}${this.whereClause()}`;
  }

  toString(): string {
    const order = this.s.orderBy === undefined ? "" : ` ORDERBY ${this.s.orderBy}`;
    return `SELECT * FROM ${this.s.entity}${this.whereClause()}${order}`;
  }

  /**
   * Whether a returned record satisfies the conditions QBO could only approximate: a `%` in a
   * literal for startsWith/contains/endsWith is a wildcard to QBO (LIKE has no escape), so QBO may
   * return extra rows that this check drops.
   */
  matches(record: unknown): boolean {
    return this.s.residual.every((r) => {
      const value = readPath(record, r.field);
      if (typeof value !== "string") return false;
      const v = value.toLowerCase();
      const l = r.literal.toLowerCase();
      return r.kind === "startsWith"
        ? v.startsWith(l)
        : r.kind === "endsWith"
          ? v.endsWith(l)
          : v.includes(l);
    });
  }

  get hasResidualFilter(): boolean {
    return this.s.residual.length > 0;
  }

  private whereClause(): string {
    const all = this.s.includeInactive
      ? [...this.s.conditions, "Active IN (true, false)"]
      : this.s.conditions;
    return all.length === 0 ? "" : ` WHERE ${all.join(" AND ")}`;
  }

  private like(field: string, kind: LikeKind, literal: string): QueryBuilder<E> {
    const escaped = escapeQueryString(literal);
    const pattern =
      kind === "startsWith" ? `${escaped}%` : kind === "endsWith" ? `%${escaped}` : `%${escaped}%`;
    const residual = literal.includes("%")
      ? [...this.s.residual, { field: checkField(field), kind, literal }]
      : this.s.residual;
    return this.with({
      conditions: [...this.s.conditions, `${checkField(field)} LIKE '${pattern}'`],
      residual,
    });
  }

  private with(patch: Partial<QueryState>): QueryBuilder<E> {
    return new QueryBuilder<E>({ ...this.s, ...patch });
  }
}

/** `select("Customer").where("DisplayName", "=", "O'Brien's Plumbing")` */
export const select = <E extends string>(entity: E): QueryBuilder<E> => QueryBuilder.from(entity);

function readPath(record: unknown, path: string): unknown {
  let cur: unknown = record;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
