import { serve } from "@hono/node-server";
import { systemClock } from "@ledgerlink/core";
import { openStore, testDatabases, type Store } from "@ledgerlink/store";
import { Hono } from "hono";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorResponse } from "../api-error.js";
import type { AppDeps } from "../app-deps.js";
import { createApp } from "../app.js";
import { loadConfig } from "../config.js";
import { ConnectionService } from "../connection-service.js";
import type { CsvImportResult } from "../csv-import.js";
import { postImport } from "./post-import.js";
import { authorized } from "../../test/authorized-app.js";

type Server = ReturnType<typeof serve>;
type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
type ImportBody = CsvImportResult & { collection: string };

function listen(fetch: Hono["fetch"]): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    );
  });
}
const stop = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** A body sent in chunks, with no content-length: the server cannot know its size up front. */
function streamed(parts: () => Generator<string | Buffer>): ReadableStream<Uint8Array> {
  const it = parts();
  return new ReadableStream({
    pull(controller) {
      const next = it.next();
      if (next.done) controller.close();
      else controller.enqueue(typeof next.value === "string" ? Buffer.from(next.value) : next.value);
    },
  });
}

// Over a real socket, as the app's clients use it, on every database the store runs on.
describe.each(testDatabases())(
  "imports and bulk upserts with malformed input, over HTTP, on $dialect",
  (database) => {
    let store: Store;
    let server: Server;
    let base: string;
    let deps: AppDeps;
    let companies = 0;
    beforeAll(async () => {
      store = await openStore(database.fresh());
      const config = loadConfig({
        LEDGERLINK_COMPANY: "acme",
        QBO_BASE_URL: "http://127.0.0.1:9",
        LEDGERLINK_TOKEN_KEY: "a".repeat(43) + "=",
      });
      deps = {
        config,
        store,
        connections: new ConnectionService({ store, config, clock: systemClock }),
        clock: systemClock,
      };
      ({ server, url: base } = await listen(authorized(createApp(deps), store).fetch));
    });
    afterAll(async () => {
      await stop(server);
      await store.close();
    });
    /** A company of its own per test, so "exactly the valid records" is exact. */
    const company = async () => {
      const id = `co${++companies}`;
      await store.ensureCompany(id, id);
      return id;
    };
    const importCsv = (co: string, collection: string, body: BodyInit, query = "", type = "text/csv") =>
      fetch(`${base}/api/v1/companies/${co}/imports/${collection}${query}`, {
        method: "POST",
        headers: { "content-type": type },
        body,
        ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
      } as RequestInit);
    const postJson = (co: string, collection: string, body: string) =>
      fetch(`${base}/api/v1/companies/${co}/${collection}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
    /** After every failure: the server still answers, and a good request still works. */
    const stillUp = async () => {
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
      const co = await company();
      const res = await importCsv(co, "customers", "id,displayName\nok,Still Up Ltd\n");
      expect(res.status).toBe(200);
      expect((await store.company(co).listCustomers()).map((c) => c.displayName)).toEqual(["Still Up Ltd"]);
    };

    it("stores the rows with the right types and names the row, record and field of each wrong one", async () => {
      const co = await company();
      const file = [
        "Item Code,Item Name,Kind,Price,Enabled",
        "I1,Drain cleaning,Service,95.00,yes",
        "I2,Widget,Gizmo,10,yes",
        "I3,Pipe,Inventory,ten,yes",
        "I4,Valve,Inventory,12.5,maybe",
        "I5,,Service,1,",
        "I6,Call-out,Service,45,no",
      ].join("\n");
      const q =
        "?field=id=Item%20Code&field=name=Item%20Name&field=type=Kind&field=unitPrice=Price&field=active=Enabled";
      const res = await importCsv(co, "items", file, q);
      expect(res.status).toBe(200);
      const body = (await res.json()) as ImportBody;
      expect(body).toMatchObject({ collection: "items", stored: true, rows: 6, valid: 2, created: 2 });
      expect(body.rejected.map((r) => [r.row, r.ref, r.field, r.column])).toEqual([
        [3, "ITEM:I2", "type", "Kind"],
        [4, "ITEM:I3", "unitPrice", "Price"],
        [5, "ITEM:I4", "active", "Enabled"],
        [6, "ITEM:I5", "name", "Item Name"],
      ]);
      expect(body.rejected[1]!.message).toBe(
        'row 4, ITEM:I3: unitPrice (column "Price") must be a plain decimal number, got "ten"',
      );
      expect((await store.company(co).listRecords("item")).map((i) => [i.id, i.unitPrice, i.active])).toEqual(
        [
          ["I1", "95", true],
          ["I6", "45", false],
        ],
      );
      // The same mistakes as JSON: per record, by index, record and field.
      const json = await postJson(
        co,
        "items",
        JSON.stringify([
          { id: "J1", name: "Labor", unitPrice: "85.00" },
          { id: "J2", name: 42, unitPrice: true },
          { id: "J3", name: "Travel", unitPrice: 1e21, active: "maybe" },
          { id: { nested: 1 }, name: "No id" },
        ]),
      );
      expect(json.status).toBe(200);
      const jsonBody = (await json.json()) as { rejected: { index: number; ref?: string; field: string }[] };
      expect(jsonBody.rejected.map((r) => [r.index, r.ref ?? null, r.field])).toEqual([
        [1, "ITEM:J2", "name"],
        [2, "ITEM:J3", "unitPrice"],
        [3, null, "id"],
      ]);
      expect((await store.company(co).listRecords("item")).map((i) => i.id)).toEqual(["I1", "I6", "J1"]);
      await stillUp();
    });

    it("refuses a missing column or an unknown field before storing anything", async () => {
      const co = await company();
      const missing = await importCsv(co, "customers", "id,Email\n1,a@b.example\n");
      expect(missing.status).toBe(400);
      const body = (await missing.json()) as ErrorBody;
      expect(body.error.code).toBe("missing_column");
      expect(body.error.message).toMatch(/^no column for one of displayName, companyName/);
      const unmapped = await importCsv(co, "customers", "id,Name\n1,A\n", "?field=displayName=Company");
      expect(((await unmapped.json()) as ErrorBody).error).toEqual({
        code: "missing_column",
        message: 'the file has no column "Company" (mapped to displayName); its columns are "id", "Name"',
        details: { field: "displayName", column: "Company" },
      });
      const unknown = await importCsv(co, "customers", "id,Name\n1,A\n", "?field=fullName=Name");
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as ErrorBody).error.code).toBe("invalid_mapping");
      const typo = await importCsv(co, "customers", "id,Name\n1,A\n", "?map=displayName:Name");
      expect(((await typo.json()) as ErrorBody).error.message).toMatch(/^unknown query parameter "map"/);
      expect(await store.company(co).listCustomers()).toEqual([]);
      await stillUp();
    });

    it("reads UTF-8 with and without a BOM, UTF-16 by its BOM, Windows-1252 when told, and refuses bad bytes", async () => {
      const co = await company();
      const text = (id: string) => `id,displayName\n${id},Crème Brûlée Café\n`;
      const bodies: [string, Buffer, string, string][] = [
        ["u8", Buffer.from(text("u8")), "", "text/csv"],
        ["bom", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text("bom"))]), "", "text/csv"],
        [
          "le",
          Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text("le"), "utf16le")]),
          "",
          "text/csv",
        ],
        [
          "be",
          Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text("be"), "utf16le")]).swap16(),
          "",
          "text/csv",
        ],
        ["cp", Buffer.from(text("cp"), "latin1"), "", "text/csv; charset=windows-1252"],
        ["cq", Buffer.from(text("cq"), "latin1"), "?encoding=cp1252", "application/vnd.ms-excel"],
      ];
      for (const [id, bytes, query, type] of bodies) {
        const res = await importCsv(co, "customers", new Uint8Array(bytes), query, type);
        expect(res.status, id).toBe(200);
        expect(((await res.json()) as ImportBody).created, id).toBe(1);
      }
      const stored = await store.company(co).listCustomers();
      expect(stored.map((c) => [c.id, c.displayName])).toEqual(
        ["be", "bom", "cp", "cq", "le", "u8"].map((id) => [id, "Crème Brûlée Café"]),
      );
      // The same Windows-1252 bytes without saying so: an error naming the line, nothing stored.
      const co2 = await company();
      const latin = await importCsv(
        co2,
        "customers",
        Buffer.from("id,displayName\n1,Ann\n2,Café\n", "latin1"),
      );
      expect(latin.status).toBe(400);
      expect(((await latin.json()) as ErrorBody).error).toMatchObject({
        code: "invalid_encoding",
        details: { line: 3 },
      });
      const nul = await importCsv(co2, "customers", Buffer.from("id,displayName\n1,Ann\n", "utf16le"));
      expect(((await nul.json()) as ErrorBody).error.code).toBe("not_csv");
      expect(await store.company(co2).listCustomers()).toEqual([]);
      await stillUp();
    });

    it("imports a 50 MB file streamed in chunks, and every valid record is stored", async () => {
      const co = await company();
      const rows = 80_000;
      const notes = "Regular customer; gate code 1234; call ahead before visits. ".repeat(11);
      let bytes = 0;
      const res = await importCsv(
        co,
        "customers",
        streamed(function* () {
          yield "id,displayName,email,billingAddress.city,notes\n";
          for (let i = 0; i < rows; i += 1000) {
            let chunk = "";
            for (let j = i; j < i + 1000; j++)
              chunk += `C${j},Customer ${j},c${j}@example.com,Town ${j % 97},"${notes}${j}"\n`;
            bytes += chunk.length;
            yield chunk;
          }
        }),
        "?sample=0",
      );
      expect(bytes).toBeGreaterThan(50 * 2 ** 20);
      expect(res.status).toBe(200);
      const body = (await res.json()) as ImportBody;
      expect(body).toMatchObject({ rows, valid: rows, created: rows, rejected: [], sample: [] });
      expect(body.accepted[rows - 1]).toEqual({ row: rows + 1, id: `C${rows - 1}`, status: "created" });
      expect((await store.company(co).counts()).customers).toBe(rows);
      await stillUp();
    }, 240_000);

    it("refuses a body above the limit with 413, by its declared length or while streaming", async () => {
      const co = await company();
      // Declared: answered from the header, before the body is read.
      const declared = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${base}/api/v1/companies/${co}/imports/customers`, {
          method: "POST",
          headers: { "content-type": "text/csv", "content-length": String(150 * 2 ** 20) },
        });
        req.on("response", (res) => {
          let body = "";
          res.on("data", (d: Buffer) => (body += d.toString()));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        });
        req.on("error", reject);
        req.write("id,displayName\n1,A\n");
      });
      expect(declared.status).toBe(413);
      expect((JSON.parse(declared.body) as ErrorBody).error).toMatchObject({
        code: "payload_too_large",
        message: "CSV imports are limited to 100 MB",
      });
      // Streamed: the same handler with a 1 MB limit, so the test need not send 100 MB.
      const small = new Hono();
      small.onError((err, c) => errorResponse(c, err));
      small.post("/api/v1/companies/:companyId/imports/:collection", postImport(deps, { maxBytes: 2 ** 20 }));
      const { server: smallServer, url } = await listen(small.fetch);
      try {
        const res = await fetch(`${url}/api/v1/companies/${co}/imports/customers`, {
          method: "POST",
          headers: { "content-type": "text/csv" },
          body: streamed(function* () {
            yield "id,displayName\n";
            for (let i = 0; i < 2000; i++) yield `${i},${"x".repeat(1000)}\n`;
          }),
          duplex: "half",
        } as RequestInit);
        expect(res.status).toBe(413);
        expect(((await res.json()) as ErrorBody).error.code).toBe("payload_too_large");
      } finally {
        await stop(smallServer);
      }
      expect(await store.company(co).listCustomers()).toEqual([]);
      await stillUp();
    });

    it("rejects both records of an id sent twice in one batch, as JSON and as CSV, and keeps the rest", async () => {
      const co = await company();
      const json = await postJson(
        co,
        "customers",
        JSON.stringify([
          { id: "1", displayName: "First" },
          { id: "2", displayName: "Second" },
          { id: "1", displayName: "First again" },
        ]),
      );
      expect(json.status).toBe(200);
      const jsonBody = (await json.json()) as {
        accepted: { id: string }[];
        rejected: { index: number; ref: string; field: string; message: string }[];
      };
      expect(jsonBody.accepted.map((a) => a.id)).toEqual(["2"]);
      expect(jsonBody.rejected.map((r) => [r.index, r.ref, r.field])).toEqual([
        [0, "C:1", "id"],
        [2, "C:1", "id"],
      ]);
      expect(jsonBody.rejected[0]!.message).toContain("appears 2 times in this batch (rows 0 and 2)");
      const csv = await importCsv(co, "customers", "id,displayName\n3,Third\n4,Fourth\n3,Third again\n");
      const csvBody = (await csv.json()) as ImportBody;
      expect(csvBody.rejected.map((r) => [r.row, r.ref, r.field])).toEqual([
        [2, "C:3", "id"],
        [4, "C:3", "id"],
      ]);
      expect(csvBody.rejected[0]!.message).toContain("appears 2 times in this file (rows 2 and 4)");
      expect((await store.company(co).listCustomers()).map((c) => [c.id, c.displayName])).toEqual([
        ["2", "Second"],
        ["4", "Fourth"],
      ]);
      await stillUp();
    });

    it("answers malformed JSON, a non-list and a non-CSV body with one clear error, storing nothing", async () => {
      const co = await company();
      const cases: [Promise<Response>, number, string][] = [
        [postJson(co, "customers", '[{"id":"1","displayName":"A"},'), 400, "invalid_json"],
        [postJson(co, "customers", '{"id":"1"}'), 400, "invalid_body"],
        [postJson(co, "invoices", "[1, null, []]"), 200, ""],
        [importCsv(co, "customers", '[{"id":"1"}]', "", "application/json"), 415, "unsupported_media_type"],
        [importCsv(co, "widgets", "id\n1\n"), 404, "unknown_collection"],
        [importCsv(co, "customers", 'id,displayName\n1,"A\n'), 400, "invalid_csv"],
        [importCsv(co, "customers", "id,displayName\n1,A\n", "?preview=maybe"), 400, "invalid_query"],
        [importCsv("nobody", "customers", "id,displayName\n1,A\n"), 404, "company_not_found"],
      ];
      for (const [response, status, code] of cases) {
        const res = await response;
        expect(res.status).toBe(status);
        if (code !== "") expect(((await res.json()) as ErrorBody).error.code).toBe(code);
        else
          expect(
            ((await res.json()) as { rejected: { field: string }[] }).rejected.map((r) => r.field),
          ).toEqual(["(record)", "(record)", "(record)"]);
      }
      expect(await store.company(co).listCustomers()).toEqual([]);
      expect(await store.company(co).listRecords("invoice")).toEqual([]);
      await stillUp();
    });

    it("previews an import: all errors and a sample of parsed records, nothing stored", async () => {
      const co = await company();
      const file =
        "id,customerId,txnDate,lines.qty,lines.unitPrice\n77,C1,2026-11-01,2,95\n77,C1,,1,x\n78,C1,2026-13-01,1,1\n79,C1,2026-11-02,1,5\n";
      const res = await importCsv(co, "invoices", file, "?preview=true&sample=1");
      expect(res.status).toBe(200);
      const body = (await res.json()) as ImportBody;
      expect(body).toMatchObject({ stored: false, records: 3, valid: 1, accepted: [] });
      expect(body.rejected.map((r) => [r.row, r.ref, r.field])).toEqual([
        [3, "INV:77", "lines[1].unitPrice"],
        [4, "INV:78", "txnDate"],
      ]);
      expect(body.sample).toEqual([
        {
          row: 5,
          record: {
            id: "79",
            customerId: "C1",
            txnDate: "2026-11-02",
            lines: [{ qty: "1", unitPrice: "5" }],
          },
        },
      ]);
      expect(await store.company(co).listRecords("invoice")).toEqual([]);
    });
  },
);
