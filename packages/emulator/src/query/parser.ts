import { tokenize, QueryLexError, type Token } from "./tokenizer.js";

export type Literal = string | number | boolean;
export type Operator = "=" | "<" | ">" | "<=" | ">=" | "IN" | "LIKE";

export interface Condition {
  field: string;
  op: Operator;
  /** One value, or the list for IN. */
  values: Literal[];
}

export interface OrderBy {
  field: string;
  descending: boolean;
}

export interface ParsedQuery {
  count: boolean;
  entity: string;
  where: Condition[];
  orderBy: OrderBy[];
  startPosition: number;
  maxResults: number;
}

/** A query QBO would refuse; becomes fault 4001 with this text as the Detail. */
export class QueryError extends Error {
  override readonly name = "QueryError";
}

export const DEFAULT_MAX_RESULTS = 100;
export const MAX_MAX_RESULTS = 1000;

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== "end") this.pos++;
    return t;
  }

  private fail(expected: string): never {
    const t = this.peek();
    throw new QueryError(
      `QueryParserError: Encountered "${t.text}" at line 1, column ${t.column}. Was expecting ${expected}`,
    );
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === "word" && t.text.toUpperCase() === word;
  }

  private keyword(word: string): void {
    if (!this.isKeyword(word)) this.fail(word);
    this.next();
  }

  private symbol(s: string): void {
    const t = this.peek();
    if (t.kind !== "symbol" || t.text !== s) this.fail(`"${s}"`);
    this.next();
  }

  private identifier(what: string): string {
    const t = this.peek();
    if (t.kind !== "word" || RESERVED.has(t.text.toUpperCase())) this.fail(what);
    return this.next().text;
  }

  private integer(what: string): number {
    const t = this.peek();
    if (t.kind !== "number" || !/^-?\d+$/.test(t.text)) this.fail(what);
    this.next();
    return Number(t.text);
  }

  private literal(): Literal {
    const t = this.peek();
    if (t.kind === "string") {
      this.next();
      return t.text;
    }
    if (t.kind === "number") {
      this.next();
      return Number(t.text);
    }
    if (t.kind === "word" && (t.text.toLowerCase() === "true" || t.text.toLowerCase() === "false")) {
      this.next();
      return t.text.toLowerCase() === "true";
    }
    return this.fail("a quoted string, a number, true or false");
  }

  parse(): ParsedQuery {
    this.keyword("SELECT");
    let count = false;
    const head = this.peek();
    if (head.kind === "symbol" && head.text === "*") {
      this.next();
    } else if (this.isKeyword("COUNT")) {
      this.next();
      this.symbol("(");
      this.symbol("*");
      this.symbol(")");
      count = true;
    } else {
      // QBO documents projections, but Ledgerlink's contract (QBO-API.md) says they are not supported.
      this.fail(`"*" or "count(*)"`);
    }
    this.keyword("FROM");
    const entity = this.identifier("an entity name");
    const where: Condition[] = [];
    if (this.isKeyword("WHERE")) {
      this.next();
      where.push(this.condition());
      while (this.isKeyword("AND")) {
        this.next();
        where.push(this.condition());
      }
      if (this.isKeyword("OR")) throw new QueryError("QueryValidationError: OR is not supported");
    }
    const orderBy: OrderBy[] = [];
    let startPosition = 1;
    let maxResults = DEFAULT_MAX_RESULTS;
    const seen = new Set<string>();
    while (this.peek().kind !== "end") {
      const clause = this.peek().text.toUpperCase();
      if (seen.has(clause)) this.fail("end of query");
      if (clause === "ORDERBY" || clause === "ORDER") {
        this.next();
        if (clause === "ORDER") this.keyword("BY");
        seen.add("ORDERBY");
        seen.add("ORDER");
        do {
          if (orderBy.length > 0) this.next();
          const field = this.identifier("a property name");
          let descending = false;
          if (this.isKeyword("DESC")) {
            this.next();
            descending = true;
          } else if (this.isKeyword("ASC")) {
            this.next();
          }
          orderBy.push({ field, descending });
        } while (this.peek().kind === "symbol" && this.peek().text === ",");
      } else if (clause === "STARTPOSITION") {
        this.next();
        seen.add(clause);
        startPosition = this.integer("a start position");
        if (startPosition < 1) throw new QueryError(`QueryValidationError: STARTPOSITION must be 1 or more`);
      } else if (clause === "MAXRESULTS") {
        this.next();
        seen.add(clause);
        maxResults = this.integer("a maximum number of results");
        if (maxResults < 1 || maxResults > MAX_MAX_RESULTS)
          throw new QueryError(
            `QueryValidationError: MAXRESULTS must be between 1 and ${MAX_MAX_RESULTS}, got ${maxResults}`,
          );
      } else {
        this.fail(`WHERE, ORDERBY, STARTPOSITION, MAXRESULTS or end of query`);
      }
    }
    return { count, entity, where, orderBy, startPosition, maxResults };
  }

  private condition(): Condition {
    const field = this.identifier("a property name");
    const t = this.peek();
    if (t.kind === "symbol" && ["=", "<", ">", "<=", ">="].includes(t.text)) {
      this.next();
      return { field, op: t.text as Operator, values: [this.literal()] };
    }
    if (this.isKeyword("IN")) {
      this.next();
      this.symbol("(");
      const values = [this.literal()];
      while (this.peek().kind === "symbol" && this.peek().text === ",") {
        this.next();
        values.push(this.literal());
      }
      this.symbol(")");
      return { field, op: "IN", values };
    }
    if (this.isKeyword("LIKE")) {
      this.next();
      const value = this.literal();
      if (typeof value !== "string") this.fail("a quoted pattern");
      return { field, op: "LIKE", values: [value] };
    }
    return this.fail(`one of "=", "<", ">", "<=", ">=", "IN", "LIKE"`);
  }
}

const RESERVED = new Set([
  "SELECT",
  "FROM",
  "WHERE",
  "AND",
  "OR",
  "IN",
  "LIKE",
  "ORDERBY",
  "STARTPOSITION",
  "MAXRESULTS",
  "ASC",
  "DESC",
  "COUNT",
]);

/** Parses QBO's query language; throws QueryError (4001) for anything QBO would refuse. */
export function parseQuery(source: string): ParsedQuery {
  let tokens: Token[];
  try {
    tokens = tokenize(source);
  } catch (err) {
    if (err instanceof QueryLexError) throw new QueryError(`QueryParserError: ${err.message}`);
    throw err;
  }
  return new Parser(tokens).parse();
}
