/**
 * Characters QBO refuses in names, or that break its query language (so a record could be created but
 * never found again). Colon is the `Parent:Child` separator; curly quotes fail QBO's query lexer.
 */
const refused =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this matches
  /[:\u0000-\u001f\u007f\u00a0\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2028\u2029\u200b-\u200d\u2060\ufeff]/;
const refusedGlobal = new RegExp(refused.source, "g");

/** True when `text` holds a character QBO refuses in a name. */
export function hasRefusedCharacters(text: string): boolean {
  return refused.test(text);
}

/** Leading, trailing or doubled whitespace. */
export function hasSpaceProblems(text: string): boolean {
  return /^\s|\s$|\s\s/.test(text);
}

const replacement = (ch: string): string => {
  switch (ch) {
    case ":":
      return " - ";
    case "\u2018":
    case "\u2019":
    case "\u201a":
    case "\u201b":
      return "'";
    case "\u201c":
    case "\u201d":
    case "\u201e":
    case "\u201f":
      return '"';
    case "\t":
    case "\n":
    case "\r":
    case "\u00a0":
    case "\u2028":
    case "\u2029":
      return " ";
    default:
      return ""; // other control and zero-width characters carry nothing visible
  }
};

/**
 * The documented replacement: `:` → ` - ` (spaces collapsed afterwards), curly quotes → straight quotes, tabs, line breaks and
 * non-breaking spaces → a space, invisible characters removed.
 */
export function replaceRefusedCharacters(text: string): string {
  return text.replace(refusedGlobal, replacement);
}

/** Trims and collapses runs of whitespace to one space. */
export function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The characters of `text` QBO refuses, as readable names ("colon", "tab", "U+2019"). */
export function describeRefusedCharacters(text: string): string[] {
  const names = new Set<string>();
  for (const ch of text.match(refusedGlobal) ?? []) {
    if (ch === ":") names.add("colon (:)");
    else if (ch === "\t") names.add("tab");
    else if (ch === "\n" || ch === "\r" || ch === "\u2028" || ch === "\u2029") names.add("line break");
    else if ("\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f".includes(ch))
      names.add(`curly quote (${ch})`);
    else names.add(`invisible character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`);
  }
  return [...names];
}
