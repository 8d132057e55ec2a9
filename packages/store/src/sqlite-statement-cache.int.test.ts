import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql, type Generated } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { withStatementCache } from "./sqlite-statement-cache.js";

describe("SQLite statements kept prepared", () => {
  const open: SQLite.Database[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
  });
  const database = () => {
    const db = new SQLite(":memory:");
    open.push(db);
    db.exec("create table t (id integer primary key, name text)");
    db.exec("insert into t (name) values ('a'), ('b'), ('c')");
    return db;
  };

  it("hands out the kept statement for the same text, with each call's own parameters", () => {
    const cache = withStatementCache(database());
    const first = cache.prepare("select name from t where id = ?");
    expect(cache.prepare("select name from t where id = ?")).toBe(first);
    expect(first.all([1])).toEqual([{ name: "a" }]);
    expect(cache.prepare("select name from t where id = ?").all([3])).toEqual([{ name: "c" }]);
    expect(cache.prepare("select name from t where id = ?").all([9])).toEqual([]);
  });

  it("prepares a fresh statement while the kept one is busy with an open iterator", () => {
    const cache = withStatementCache(database());
    const text = "select name from t order by id";
    const kept = cache.prepare(text);
    const iterating = kept.iterate([]);
    expect(iterating.next().value).toEqual({ name: "a" });
    const other = cache.prepare(text);
    expect(other).not.toBe(kept);
    // The kept one would refuse ("This statement is busy executing a query"); the fresh one reads.
    expect(() => kept.all([])).toThrow(/busy/);
    expect(other.all([])).toEqual([{ name: "a" }, { name: "b" }, { name: "c" }]);
    iterating.return?.();
    expect(cache.prepare(text)).toBe(kept);
    expect(kept.all([])).toEqual([{ name: "a" }, { name: "b" }, { name: "c" }]);
  });

  it("a kept statement sees a schema change; past the bound the least recently used text is dropped", () => {
    const db = database();
    const cache = withStatementCache(db, 3);
    const all = cache.prepare("select * from t where id = ?");
    expect(all.all([1])).toEqual([{ id: 1, name: "a" }]);
    db.exec("alter table t add column note text default 'n'");
    expect(cache.prepare("select * from t where id = ?").all([1])).toEqual([{ id: 1, name: "a", note: "n" }]);

    const a = cache.prepare("select 1");
    cache.prepare("select 2");
    cache.prepare("select 1"); // used again: now "select * …" is the oldest
    cache.prepare("select 3");
    expect(cache.prepare("select 1")).toBe(a);
    expect(cache.prepare("select * from t where id = ?")).not.toBe(all);
  });

  it("serves Kysely: reads, writes, transactions and a rollback", async () => {
    const db = new Kysely<{ t: { id: Generated<number>; name: string } }>({
      dialect: new SqliteDialect({ database: withStatementCache(database()) }),
    });
    for (let i = 0; i < 3; i++)
      await db
        .insertInto("t")
        .values({ name: `x${i}` })
        .execute();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.deleteFrom("t").execute();
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    const names = await db.selectFrom("t").select("name").orderBy("id").execute();
    expect(names.map((r) => r.name)).toEqual(["a", "b", "c", "x0", "x1", "x2"]);
    const streamed = [];
    for await (const r of db.selectFrom("t").select("id").stream()) streamed.push(r.id);
    expect(streamed).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await sql<{ n: number }>`select count(*) as n from t`.execute(db)).rows).toEqual([{ n: 6 }]);
    await db.destroy();
  });
});
