import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseConfig } from "./open-database.js";

export interface TestDatabase {
  dialect: "sqlite" | "postgres";
  /** A fresh, empty database each call: a new SQLite file, or a new PostgreSQL schema. */
  fresh(): DatabaseConfig;
}

/**
 * The databases a contract or integration suite runs against: always SQLite (a real file on disk), and
 * PostgreSQL when `LEDGERLINK_TEST_DATABASE_URL` names a server. In CI a missing server is an error,
 * never a silent skip.
 */
export function testDatabases(env: NodeJS.ProcessEnv = process.env): TestDatabase[] {
  const dbs: TestDatabase[] = [
    {
      dialect: "sqlite",
      fresh: () => ({ url: `sqlite:${join(mkdtempSync(join(tmpdir(), "ledgerlink-")), "test.db")}` }),
    },
  ];
  const pgUrl = env["LEDGERLINK_TEST_DATABASE_URL"];
  if (pgUrl) {
    dbs.push({
      dialect: "postgres",
      fresh: () => ({ url: pgUrl, schema: `t_${randomBytes(6).toString("hex")}`, poolSize: 4 }),
    });
  } else if (env["CI"]) {
    throw new Error("CI must run the PostgreSQL suites: set LEDGERLINK_TEST_DATABASE_URL (see .ci/run)");
  }
  return dbs;
}
