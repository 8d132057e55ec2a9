export type TokenKind = "word" | "string" | "number" | "symbol" | "end";

export interface Token {
  kind: TokenKind;
  /** For strings, the unescaped value; otherwise the source text. */
  text: string;
  /** 1-based column of the token's first character, for error messages. */
  column: number;
}

/** A lexical error; the parser turns it into QBO's 4001 fault. */
export class QueryLexError extends Error {
  override readonly name = "QueryLexError";
}

const isWordStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isWordPart = (c: string): boolean => /[A-Za-z0-9_.]/.test(c);
const isDigit = (c: string): boolean => c >= "0" && c <= "9";

/**
 * Splits a QBO query into tokens. Strings are single-quoted with `\'` and `\\` escapes (QBO's
 * convention); curly quotes and other stray characters are lexical errors, as they are in QBO.
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const column = i + 1;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
    } else if (c === "'") {
      let value = "";
      i++;
      let closed = false;
      while (i < source.length) {
        const d = source[i]!;
        if (d === "\\" && i + 1 < source.length) {
          value += source[i + 1]!;
          i += 2;
        } else if (d === "'") {
          closed = true;
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      if (!closed) throw new QueryLexError(`Lexical error at line 1, column ${column}: unterminated string`);
      tokens.push({ kind: "string", text: value, column });
    } else if (isDigit(c) || (c === "-" && isDigit(source[i + 1] ?? ""))) {
      let j = i + 1;
      while (j < source.length && (isDigit(source[j]!) || source[j] === ".")) j++;
      tokens.push({ kind: "number", text: source.slice(i, j), column });
      i = j;
    } else if (isWordStart(c)) {
      let j = i + 1;
      while (j < source.length && isWordPart(source[j]!)) j++;
      tokens.push({ kind: "word", text: source.slice(i, j), column });
      i = j;
    } else if (c === "<" || c === ">" || c === "!") {
      const two = source.slice(i, i + 2);
      if (two === "<=" || two === ">=" || two === "!=" || two === "<>") {
        tokens.push({ kind: "symbol", text: two, column });
        i += 2;
      } else if (c === "!") {
        throw new QueryLexError(`Lexical error at line 1, column ${column}. Encountered: "!"`);
      } else {
        tokens.push({ kind: "symbol", text: c, column });
        i++;
      }
    } else if ("=(),*".includes(c)) {
      tokens.push({ kind: "symbol", text: c, column });
      i++;
    } else {
      throw new QueryLexError(`Lexical error at line 1, column ${column}. Encountered: "${c}"`);
    }
  }
  tokens.push({ kind: "end", text: "<EOF>", column: source.length + 1 });
  return tokens;
}
