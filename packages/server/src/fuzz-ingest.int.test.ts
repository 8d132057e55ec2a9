import { testDatabases } from "@ledgerlink/store";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../test/api-harness.js";

/**
 * Hostile input to the two ways records come in over HTTP, the JSON bulk upsert and the CSV import:
 * whatever is sent, the answer is a 2xx or a 4xx naming the problem (never a 500), the server keeps
 * answering, and what was stored is exactly what the answer says was accepted: a refused request
 * stores nothing, a partly valid one stores its valid records whole. A fresh company per run makes
 * "exactly" exact. Runs are modest so the suite stays fast.
 */
const nasty = fc.constantFrom(
  "",
  " ",
  '=HYPERLINK("http://evil")',
  "+1",
  "-1",
  "@SUM(A1)",
  "\u0000",
  "\uD800",
  "'; drop table records; --",
  "<script>alert(1)</script>",
  "a".repeat(5000),
  "𝒳𝒴",
  "C:1042",
  "null",
);
const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);
const customerKeys = [
  "id",
  "displayName",
  "email",
  "phone",
  "parentId",
  "active",
  "companyName",
  "notes",
  "x",
];
const customer = fc.oneof(
  // Mostly valid, with one field bent.
  fc
    .record({
      id: fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/),
      displayName: fc.string({ minLength: 1, maxLength: 40 }),
      active: fc.boolean(),
    })
    .chain((base) =>
      fc
        .tuple(fc.constantFrom(...customerKeys), value, fc.boolean())
        .map(([k, v, bend]) => (bend ? { ...base, [k]: v } : base)),
    ),
  fc.dictionary(fc.constantFrom(...customerKeys), value, { maxKeys: 6 }),
  value,
);
const jsonBody = fc.oneof(
  { weight: 6, arbitrary: fc.array(customer, { maxLength: 8 }).map((rows) => JSON.stringify(rows)) },
  {
    weight: 1,
    arbitrary: fc.array(customer, { maxLength: 4 }).map((rows) => JSON.stringify({ customers: rows })),
  },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

const csvCell = fc.oneof(
  fc.string({ maxLength: 20 }),
  nasty,
  fc.constantFrom('"', '""', "\n", "\r\n", ",", ";"),
);
const csvBody = fc.oneof(
  fc
    .tuple(
      fc.subarray(["id", "displayName", "email", "phone", "parentId", "active", "extra"], { minLength: 1 }),
      fc.array(fc.array(csvCell, { minLength: 1, maxLength: 8 }), { maxLength: 8 }),
    )
    .map(([header, rows]) => [header.join(","), ...rows.map((r) => r.join(","))].join("\n")),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
);

describe.each(testDatabases())("fuzzing the ingest API and the CSV import ($dialect)", (database) => {
  let h: ApiHarness;
  let n = 0;
  beforeAll(async () => {
    h = await startApiHarness(database, { rateLimit: false });
  }, 60_000);
  afterAll(() => h?.close());

  const freshCompany = async () => {
    const id = `fz${++n}`;
    await h.store.ensureCompany(id, id);
    return id;
  };
  const stored = async (co: string) => (await h.store.company(co).listCustomers()).map((c) => c.id).sort();

  it("POST customers: 200 with per-record results or a 4xx; exactly the accepted records stored", async () => {
    const seen = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(jsonBody, async (body) => {
        const co = await freshCompany();
        const res = await h.call<{
          accepted?: { id: string; status: string }[];
          rejected?: { index: number; field: string; message: string }[];
          error?: { code: string; message: string };
        }>("POST", `/api/v1/companies/${co}/customers`, body);
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
        const ids = await stored(co);
        if (res.status === 200) {
          seen.ok++;
          expect(ids).toEqual([...new Set(res.body.accepted!.map((a) => a.id))].sort());
          for (const r of res.body.rejected!) {
            expect(r.field).toBeTypeOf("string");
            expect(r.message.length).toBeGreaterThan(0);
          }
        } else {
          seen.refused++;
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.body.error?.message).toBeTruthy();
          expect(ids).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    expect((await h.call("GET", "/api/health")).status).toBe(200);
  }, 120_000);

  it("CSV import: 200 with the records stored and the rejected named by row, or a 4xx that stores nothing", async () => {
    const seen = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(csvBody, async (body) => {
        const co = await freshCompany();
        const res = await fetch(`${h.url}/api/v1/companies/${co}/imports/customers`, {
          method: "POST",
          headers: { "content-type": "text/csv", authorization: `Bearer ${h.apiKey}` },
          body: typeof body === "string" ? body : Buffer.from(body),
        });
        const answer = (await res.json()) as {
          stored?: boolean;
          accepted?: { id: string }[];
          rejected?: { row: number; issues: { field: string; message: string }[] }[];
          error?: { message: string };
        };
        expect(res.status, JSON.stringify(answer)).toBeLessThan(500);
        const ids = await stored(co);
        if (res.status === 200) {
          seen.ok++;
          expect(ids).toEqual([...new Set(answer.accepted!.map((a) => a.id))].sort());
          for (const r of answer.rejected!) expect(r.row).toBeGreaterThanOrEqual(1);
        } else {
          seen.refused++;
          expect(answer.error?.message).toBeTruthy();
          expect(ids).toEqual([]);
        }
      }),
      { numRuns: 50 },
    );
    expect(seen.ok + seen.refused).toBe(50);
    expect((await h.call("GET", "/api/health")).status).toBe(200);
  }, 120_000);
});
