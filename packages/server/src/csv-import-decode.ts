import { isUtf8 } from "node:buffer";
import { TextDecoder } from "node:util";

/** The text encodings a CSV import reads. */
export const csvEncodings = ["utf-8", "utf-16le", "utf-16be", "windows-1252"] as const;
export type CsvEncoding = (typeof csvEncodings)[number];

/** Why a file could not be read at all; nothing of it is stored. */
export type CsvFileProblem =
  | "invalid_encoding"
  | "not_csv"
  | "invalid_csv"
  | "empty_file"
  | "too_large"
  | "invalid_mapping"
  | "missing_column";

/** A problem with the file or the mapping as a whole, found before anything is stored. */
export class CsvImportError extends Error {
  override readonly name = "CsvImportError";
  constructor(
    readonly code: CsvFileProblem,
    message: string,
    readonly details: { field?: string; column?: string; line?: number; limit?: number } = {},
  ) {
    super(message);
  }
}

const labels: Record<string, CsvEncoding> = {
  "utf-8": "utf-8",
  utf8: "utf-8",
  "utf-16le": "utf-16le",
  "utf-16be": "utf-16be",
  "windows-1252": "windows-1252",
  cp1252: "windows-1252",
  // What Excel calls "ANSI" in western locales; WHATWG treats these labels as windows-1252 too.
  latin1: "windows-1252",
  "iso-8859-1": "windows-1252",
};

/** The encoding named by `label` (`utf8`, `cp1252`, `latin1`… are accepted), or a CsvImportError. */
export function csvEncoding(label: string): CsvEncoding {
  const encoding = labels[label.trim().toLowerCase()];
  if (encoding === undefined)
    throw new CsvImportError(
      "invalid_encoding",
      `unknown encoding "${label}"; use utf-8 (the default) or windows-1252 (a byte-order mark selects UTF-16)`,
      { field: "encoding" },
    );
  return encoding;
}

/**
 * Windows-1252's bytes 0x80–0x9F (the WHATWG index); the rest is Latin-1. Node's TextDecoder decodes
 * "windows-1252" as Latin-1 (0x80 comes out as U+0080, not "€"), so this table does the difference.
 */
const cp1252High =
  "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
  "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

function decodeCp1252(bytes: Buffer): string {
  return bytes.toString("latin1").replace(/[\x80-\x9f]/g, (c) => cp1252High[c.charCodeAt(0) - 0x80]!);
}

/** How many leading bytes of `buf` end on a character boundary (the rest waits for the next chunk). */
function completeLength(buf: Buffer, encoding: CsvEncoding): number {
  if (encoding === "windows-1252") return buf.length;
  if (encoding === "utf-8") {
    for (let k = buf.length - 1; k >= Math.max(0, buf.length - 4); k--) {
      const b = buf[k]!;
      if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
      const need =
        b < 0x80 ? 1 : (b & 0xe0) === 0xc0 ? 2 : (b & 0xf0) === 0xe0 ? 3 : (b & 0xf8) === 0xf0 ? 4 : 1;
      return k + need <= buf.length ? buf.length : k;
    }
    return buf.length; // only continuation bytes: invalid, and validation says where
  }
  let n = buf.length & ~1;
  if (n >= 2) {
    const unit = encoding === "utf-16le" ? buf.readUInt16LE(n - 2) : buf.readUInt16BE(n - 2);
    if (unit >= 0xd800 && unit <= 0xdbff) n -= 2; // a high surrogate waits for its low half
  }
  return n;
}

const encodingName: Record<CsvEncoding, string> = {
  "utf-8": "UTF-8",
  "utf-16le": "UTF-16LE",
  "utf-16be": "UTF-16BE",
  "windows-1252": "Windows-1252",
};

function countNewlineBytes(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * The line of the first byte sequence in `part` that is not valid in `encoding` (part starts on a
 * character boundary). Only runs when a chunk failed, so a binary search over prefixes is cheap enough.
 */
function firstInvalidLine(part: Buffer, encoding: CsvEncoding, linesBefore: number): number {
  const fails = (p: number) => {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(part.subarray(0, p), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  let lo = 1;
  let hi = part.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  // The decoder notices at byte lo-1, which may be a newline right after a truncated sequence.
  const before = new TextDecoder(encoding).decode(part.subarray(0, lo - 1));
  return linesBefore + countNewlines(before) + 1;
}

function invalidText(
  encoding: CsvEncoding,
  line: number,
  chosen: "bom" | "default" | "asked",
): CsvImportError {
  const hint =
    encoding === "utf-8" && chosen === "default"
      ? ': save it as "CSV UTF-8" (Excel), or say which encoding it is (encoding=windows-1252 for Excel\'s ' +
        "plain CSV on Windows)"
      : "";
  return new CsvImportError(
    "invalid_encoding",
    `line ${line} is not valid ${encodingName[encoding]} text${hint}`,
    {
      line,
    },
  );
}

export interface DecodeOptions {
  /** The encoding when the file has no byte-order mark (default UTF-8). A byte-order mark always wins. */
  encoding?: CsvEncoding;
  /** Refuse more bytes than this (default: no limit). */
  maxBytes?: number;
  /** Called once the encoding is known (a BOM or the default). */
  onEncoding?: (encoding: CsvEncoding) => void;
}

/**
 * Turns the bytes of a CSV file into UTF-8 text chunks, strictly: bytes that are not valid in the
 * file's encoding stop the import with the line they are on, instead of reaching a customer's name as
 * "�". A byte-order mark picks UTF-8, UTF-16LE or UTF-16BE; without one the file is UTF-8 unless the
 * caller says windows-1252, because every byte is valid Windows-1252 and guessing it would turn a
 * broken UTF-8 file into silent mojibake. UTF-8 input passes through without being re-encoded.
 */
export async function* decodeCsvBytes(
  input: AsyncIterable<Uint8Array>,
  options: DecodeOptions = {},
): AsyncGenerator<Buffer> {
  let encoding: CsvEncoding | undefined;
  let chosen: "bom" | "default" | "asked" = options.encoding === undefined ? "default" : "asked";
  let carry = Buffer.alloc(0);
  let lines = 0;
  let total = 0;
  let utf16Decoder: TextDecoder | undefined;

  const emit = (part: Buffer): Buffer | undefined => {
    if (part.length === 0) return undefined;
    let out: Buffer;
    let text: string | undefined;
    if (encoding === "utf-8") {
      if (!isUtf8(part)) throw invalidText("utf-8", firstInvalidLine(part, "utf-8", lines), chosen);
      out = part;
    } else if (encoding === "windows-1252") {
      text = decodeCp1252(part);
      out = Buffer.from(text, "utf8");
    } else {
      let decoded: string;
      try {
        decoded = utf16Decoder!.decode(part);
      } catch {
        throw invalidText(encoding!, firstInvalidLine(part, encoding!, lines), chosen);
      }
      text = decoded;
      out = Buffer.from(decoded, "utf8");
    }
    // NUL never occurs in CSV text: it means UTF-16 without a byte-order mark, or a binary file.
    const nul = out.indexOf(0);
    if (nul !== -1) {
      const line = lines + countNewlines(out.subarray(0, nul).toString("utf8")) + 1;
      throw new CsvImportError(
        "not_csv",
        `line ${line} holds a NUL character: the file is not CSV text (UTF-16 without a byte-order mark? ` +
          "save it as CSV UTF-8)",
        { line },
      );
    }
    lines += text === undefined ? countNewlineBytes(out) : countNewlines(text);
    return out;
  };
  /** Emits the complete characters of `buf`, keeping an unfinished one for the next chunk. */
  const take = (buf: Buffer): Buffer | undefined => {
    const n = completeLength(buf, encoding!);
    carry = n === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(n));
    return emit(buf.subarray(0, n));
  };

  for await (const chunk of input) {
    total += chunk.length;
    if (options.maxBytes !== undefined && total > options.maxBytes)
      throw new CsvImportError("too_large", `the file is larger than ${options.maxBytes} bytes`, {
        limit: options.maxBytes,
      });
    let buf =
      carry.length === 0
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)
        : Buffer.concat([carry, chunk]);
    if (encoding === undefined) {
      if (buf.length < 4) {
        carry = Buffer.from(buf); // too short to tell a byte-order mark yet
        continue;
      }
      buf = pickEncoding(buf);
    }
    const out = take(buf);
    if (out !== undefined) yield out;
  }
  if (encoding === undefined) {
    // A file of fewer than 4 bytes.
    const out = take(pickEncoding(carry));
    if (out !== undefined) yield out;
  }
  if (carry.length > 0) {
    // The file ends inside a character (a cut-off download, or an odd number of UTF-16 bytes).
    throw invalidText(encoding!, lines + 1, chosen);
  }
  if (total === 0)
    throw new CsvImportError("empty_file", "the file is empty: expected a header row and rows");

  function pickEncoding(buf: Buffer): Buffer {
    if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
      encoding = "utf-8";
      chosen = "bom";
      buf = buf.subarray(3);
    } else if (buf[0] === 0xff && buf[1] === 0xfe) {
      encoding = "utf-16le";
      chosen = "bom";
      buf = buf.subarray(2);
    } else if (buf[0] === 0xfe && buf[1] === 0xff) {
      encoding = "utf-16be";
      chosen = "bom";
      buf = buf.subarray(2);
    } else if (buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) {
      throw new CsvImportError(
        "not_csv",
        "the file is a ZIP archive (an Excel .xlsx workbook?), not CSV: save it as CSV UTF-8",
      );
    } else if (buf[0] === 0xd0 && buf[1] === 0xcf && buf[2] === 0x11 && buf[3] === 0xe0) {
      throw new CsvImportError(
        "not_csv",
        "the file is an Excel .xls workbook, not CSV: save it as CSV UTF-8",
      );
    } else {
      encoding = options.encoding ?? "utf-8";
    }
    if (encoding === "utf-16le" || encoding === "utf-16be")
      utf16Decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
    options.onEncoding?.(encoding);
    return buf;
  }
}
