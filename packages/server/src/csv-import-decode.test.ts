import { describe, expect, it } from "vitest";
import { CsvImportError, csvEncoding, decodeCsvBytes, type DecodeOptions } from "./csv-import-decode.js";

async function decode(chunks: Uint8Array[], options: DecodeOptions = {}): Promise<string> {
  async function* source() {
    yield* chunks;
  }
  const out: Buffer[] = [];
  for await (const b of decodeCsvBytes(source(), options)) out.push(b);
  return Buffer.concat(out).toString("utf8");
}
/** The bytes one at a time: every character boundary falls between chunks somewhere. */
const bytewise = (b: Buffer) => [...b].map((x) => Uint8Array.of(x));
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected the decode to fail");
    },
    (e: unknown) => e as CsvImportError,
  );

const text = "Name,City\nCafé Müller,Zürich\nAnn 😀,Köln\n";

describe("decodeCsvBytes", () => {
  it("passes UTF-8 through and drops its byte-order mark, whatever the chunking", async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(await decode([bom])).toBe(text);
    expect(await decode(bytewise(bom))).toBe(text);
    expect(await decode(bytewise(Buffer.from(text)))).toBe(text);
  });

  it("reads UTF-16 LE and BE by their byte-order mark, surrogate pairs split across chunks", async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.from(le);
    be.swap16();
    let seen: string | undefined;
    expect(await decode([le], { onEncoding: (e) => (seen = e) })).toBe(text);
    expect(seen).toBe("utf-16le");
    expect(await decode(bytewise(le))).toBe(text);
    expect(await decode(bytewise(be), { onEncoding: (e) => (seen = e) })).toBe(text);
    expect(seen).toBe("utf-16be");
  });

  it("refuses invalid UTF-8 naming the line, and says how to fix it", async () => {
    const bad = Buffer.concat([Buffer.from("Name\nfine\nCaf"), Buffer.from([0xe9]), Buffer.from("\nok\n")]);
    for (const chunks of [[bad], bytewise(bad)]) {
      const err = await failure(decode(chunks));
      expect(err).toBeInstanceOf(CsvImportError);
      expect(err.code).toBe("invalid_encoding");
      expect(err.details.line).toBe(3);
      expect(err.message).toMatch(/^line 3 is not valid UTF-8 text: save it as "CSV UTF-8".*windows-1252/);
    }
    // A file cut off in the middle of a character.
    const cut = await failure(decode([Buffer.from("Name\nCaf\xc3", "latin1")]));
    expect(cut.message).toMatch(/^line 2 is not valid UTF-8/);
  });

  it("decodes Windows-1252 only when asked, with its own characters (€, curly quotes), not Latin-1's", async () => {
    const cp = Buffer.from([...Buffer.from("Name\nCaf"), 0xe9, 0x20, 0x80, 0x20, 0x93, 0x78, 0x94, 0x0a]);
    expect(await decode([cp], { encoding: csvEncoding("cp1252") })).toBe("Name\nCafé € \u201Cx\u201D\n");
    expect((await failure(decode([cp]))).details.line).toBe(2);
  });

  it("refuses lone UTF-16 surrogates, NUL characters and spreadsheet files", async () => {
    const lone = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from("a\nb", "utf16le"),
      Buffer.from([0x00, 0xd8]),
    ]);
    expect((await failure(decode([lone, Buffer.from("c\n", "utf16le")]))).message).toMatch(
      /^line 2 is not valid UTF-16LE text/,
    );
    const noBom = Buffer.from("Name\nAnn\n", "utf16le");
    const nul = await failure(decode([noBom]));
    expect(nul.code).toBe("not_csv");
    expect(nul.message).toMatch(/UTF-16 without a byte-order mark/);
    const xlsx = await failure(decode([Buffer.from("PK\x03\x04rest", "latin1")]));
    expect(xlsx.message).toMatch(/xlsx/);
  });

  it("stops at the size limit and refuses an empty file", async () => {
    const big = await failure(decode([Buffer.alloc(600, 0x61), Buffer.alloc(600, 0x61)], { maxBytes: 1000 }));
    expect(big.code).toBe("too_large");
    expect((await failure(decode([]))).code).toBe("empty_file");
    expect(await decode([Buffer.from("a\n")])).toBe("a\n");
  });

  it("names the encodings it knows", () => {
    expect(csvEncoding("UTF8")).toBe("utf-8");
    expect(csvEncoding("latin1")).toBe("windows-1252");
    expect(() => csvEncoding("ebcdic")).toThrow(/unknown encoding "ebcdic"/);
  });
});
