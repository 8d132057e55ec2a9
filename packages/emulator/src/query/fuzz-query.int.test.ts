import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type EmulatorServer } from "../index.js";
import { parseQuery, QueryError } from "./parser.js";
import { QueryLexError } from "./tokenizer.js";

/**
 * Hostile input to the emulator's query language: whatever the text, the parser either returns a
 * query or throws its own QueryError (QBO's 4001 fault), and over HTTP the answer is a 200 or a 400
 * fault, never a 500 or a dropped connection. Runs are kept modest: seconds, not minutes.
 */
const keywords = [
  "select",
  "SELECT",
  "*",
  "count(*)",
  "from",
  "Customer",
  "Invoice",
  "Item",
  "where",
  "and",
  "or",
  "in",
  "IN",
  "like",
  "orderby",
  "asc",
  "desc",
  "startposition",
  "maxresults",
  "=",
  "<",
  ">",
  "<=",
  ">=",
  "!=",
  "(",
  ")",
  ",",
  "'",
  "\\'",
  "DisplayName",
  "Active",
  "Id",
  "MetaData.LastUpdatedTime",
  "true",
  "false",
  "0",
  "-1",
  "99999999999999999999",
  "1e308",
  "'%'",
  "'%Smith%'",
  "'O\\'Brien'",
  "''",
  ";",
  "--",
  "/*",
  "\u0000",
  "\uFFFF",
  "𝒳",
];
/** Token soup close to the grammar (finds parser edge cases) and raw text (finds tokenizer ones). */
/** Queries the grammar accepts, with hostile text inside the quoted values. */
const validQuery = fc
  .tuple(
    fc.constantFrom("select * from", "SELECT count(*) FROM", "select Id, DisplayName from"),
    fc.constantFrom("Customer", "Invoice", "Item"),
    fc.constantFrom("DisplayName", "Id", "Active"),
    fc.string({ maxLength: 30 }),
    fc.integer({ min: 1, max: 1000 }),
  )
  .map(
    ([head, entity, field, text, max]) =>
      `${head} ${entity} where ${field} = '${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}' maxresults ${max}`,
  );
const queryText = fc.oneof(
  validQuery,
  fc.array(fc.constantFrom(...keywords), { maxLength: 25 }).map((t) => t.join(" ")),
  fc
    .tuple(
      fc.array(fc.constantFrom(...keywords), { maxLength: 12 }),
      fc.string({ maxLength: 20, unit: "grapheme" }),
    )
    .map(([t, s]) => `select * from Customer where ${t.join(" ")} '${s}'`),
  fc.string({ maxLength: 200 }),
  fc.string({ maxLength: 60, unit: "binary" }),
);

describe("the emulator's query parser under fuzzing", () => {
  it("returns a query or throws QueryError, for any text", () => {
    const outcomes = { parsed: 0, refused: 0 };
    fc.assert(
      fc.property(queryText, (source) => {
        try {
          const q = parseQuery(source);
          expect(typeof q.entity).toBe("string");
          outcomes.parsed++;
        } catch (err) {
          if (!(err instanceof QueryError || err instanceof QueryLexError)) throw err;
          outcomes.refused++;
        }
      }),
      { numRuns: 2000 },
    );
    // The generators reach both sides: valid queries get through, broken ones are refused.
    expect(outcomes.parsed).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  describe("over HTTP", () => {
    const emu = createEmulator();
    let server: EmulatorServer;
    const token = emu.issueAccessToken(emu.defaultRealmId);
    beforeAll(async () => {
      server = await emu.listen({ port: 0, host: "127.0.0.1" });
      const realm = emu.realm(emu.defaultRealmId);
      realm.create("Customer", { DisplayName: "O'Brien Plumbing" });
      realm.create("Customer", { DisplayName: "Smith & Sons" });
    });
    afterAll(() => server.close());

    it("answers 200 or a 400 fault to any query, and keeps answering", async () => {
      await fc.assert(
        fc.asyncProperty(queryText, async (source) => {
          const url = `${server.url}/v3/company/${emu.defaultRealmId}/query?query=${encodeURIComponent(source)}`;
          const res = await fetch(url, {
            headers: { authorization: `Bearer ${token}`, accept: "application/json" },
          });
          const body = (await res.json()) as Record<string, unknown>;
          expect([200, 400]).toContain(res.status);
          if (res.status === 400) expect(JSON.stringify(body)).toMatch(/Fault/);
          else expect(body).toHaveProperty("QueryResponse");
        }),
        { numRuns: 150 },
      );
      const ok = await fetch(
        `${server.url}/v3/company/${emu.defaultRealmId}/query?query=${encodeURIComponent("select * from Customer")}`,
        { headers: { authorization: `Bearer ${token}`, accept: "application/json" } },
      );
      expect(ok.status).toBe(200);
    });
  });
});
